import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '@hookstream/testkit';
import { createEventWriter } from './index.js';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { makeEvent } from './testing/index.js';
import type { PortalTokenRecord } from '../oauth/types.js';
import { createPortalTokenRepository, makePortalEnrichmentDue } from './portal-token-repository.js';

let store: MigratedStore;
beforeAll(async () => {
  store = await openMigratedStore(await testDatabase());
});
afterAll(async () => store?.close());

const record = (portalId: number, o: Partial<PortalTokenRecord> = {}): PortalTokenRecord => ({
  portalId,
  hubDomain: 'acme.hubspot.com',
  refreshTokenCiphertext: `v1.k1.iv.refresh-${portalId}.tag`,
  accessTokenCiphertext: `v1.k1.iv.access-${'x'.repeat(700)}.tag`,
  accessExpiresAt: 1_800_000_000_000,
  encryptionKeyId: 'k1',
  scopes: ['oauth', 'crm.objects.contacts.read'],
  status: 'active',
  statusReason: null,
  installedAt: 1_000,
  updatedAt: 1_000,
  ...o,
});

describe('portal token repository (real database)', () => {
  it('installs, refreshes, invalidates and re-installs a portal', async () => {
    const repo = createPortalTokenRepository(store.ds);
    expect(await repo.get(267_448_862_446)).toBeUndefined();
    await repo.upsert(record(267_448_862_446));
    expect(await repo.get(267_448_862_446)).toEqual(record(267_448_862_446));

    await repo.saveRefreshed(267_448_862_446, {
      accessTokenCiphertext: 'v1.k2.a',
      accessExpiresAt: 5,
      refreshTokenCiphertext: 'v1.k2.r',
      encryptionKeyId: 'k2',
      updatedAt: 2_000,
    });
    expect(await repo.get(267_448_862_446)).toMatchObject({
      accessTokenCiphertext: 'v1.k2.a',
      refreshTokenCiphertext: 'v1.k2.r',
      encryptionKeyId: 'k2',
      updatedAt: 2_000,
    });

    await repo.markInvalid(267_448_862_446, 'refresh token is invalid, expired or revoked', 3_000);
    expect(await repo.get(267_448_862_446)).toMatchObject({
      status: 'invalid',
      statusReason: 'refresh token is invalid, expired or revoked',
      accessTokenCiphertext: null,
      accessExpiresAt: null,
    });
    // A refresh that finished after the invalidation must not resurrect the row.
    await repo.saveRefreshed(267_448_862_446, {
      accessTokenCiphertext: 'late',
      accessExpiresAt: 9,
      refreshTokenCiphertext: 'late',
      encryptionKeyId: 'k2',
      updatedAt: 4_000,
    });
    expect((await repo.get(267_448_862_446))?.accessTokenCiphertext).toBeNull();

    await repo.upsert(record(267_448_862_446, { hubDomain: null, installedAt: 5_000, updatedAt: 5_000 }));
    expect(await repo.get(267_448_862_446)).toMatchObject({
      status: 'active',
      statusReason: null,
      hubDomain: 'acme.hubspot.com',
      installedAt: 1_000,
      updatedAt: 5_000,
    });
    expect((await repo.list()).map((r) => r.portalId)).toEqual([267_448_862_446]);
  });

  it('makes a portal’s waiting events due after an install, and only that portal’s', async () => {
    const writer = createEventWriter(store.ds);
    const waiting = { enrichmentState: 'pending' as const, enrichmentNextAt: 9_000_000, enrichmentError: 'no HubSpot token for portal 1' };
    await writer.persist({
      events: [
        makeEvent({ portalId: 1, eventId: 1, ...waiting }),
        makeEvent({ portalId: 1, eventId: 2, ...waiting }),
        makeEvent({ portalId: 2, eventId: 3, ...waiting }),
        makeEvent({ portalId: 1, eventId: 4 }),
      ],
      state: [],
      now: 1,
    });
    expect(await makePortalEnrichmentDue(store.ds, 1, 5_000)).toBe(2);
    const rows = (await store.ds.query('SELECT event_id, enrichment_next_at AS n FROM hubspot_event_rows ORDER BY event_id')) as Array<{
      event_id: number;
      n: number | null;
    }>;
    expect(rows.map((r) => [Number(r.event_id), r.n === null ? null : Number(r.n)])).toEqual([
      [1, 5_000],
      [2, 5_000],
      [3, 9_000_000],
      [4, null],
    ]);
    const claimed = await writer.claimDue({ now: 5_000, limit: 10, leaseMs: 1_000 });
    expect(claimed.map((c) => c.portalId)).toEqual([1, 1]);
  });
});
