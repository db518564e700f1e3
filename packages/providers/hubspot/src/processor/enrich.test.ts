import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchReadClient } from '../batch-read/client.js';
import { createLogger } from '@hookstream/observability';
import { startFakeHubSpot, type FakeHubSpot } from '@hookstream/testkit';
import { createEnricher } from './enrich.js';

const PORTAL = 62515;
const TOKEN = 'tok-62515';
const log = createLogger({ name: 'enrich-test', level: 'silent' });
let fake: FakeHubSpot;

beforeEach(async () => {
  fake = await startFakeHubSpot({ tokens: new Map([[PORTAL, TOKEN]]), log: false });
  for (let id = 1; id <= 150; id++) fake.upsertObject(PORTAL, 'contact', { id, properties: { email: `c${id}@example.com` } });
});
afterEach(async () => fake.close());

function enricher(token: string | undefined = TOKEN) {
  const client = createBatchReadClient({ baseUrl: fake.url, tokenFor: () => token, log, maxRetries: 2, retryBudgetMs: 2000, sleep: async () => {} });
  return createEnricher({ client, enabled: true, properties: { contact: ['email'] }, retryBaseMs: 1000, retryMaxMs: 60_000, now: () => 1_000_000, log });
}
const refs = (ids: number[], objectType = 'contact') => ids.map((objectId) => ({ portalId: PORTAL, objectType, objectId }));

describe('enricher', () => {
  it('reads each distinct object once, at most 100 ids per call', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => i + 1);
    const out = await enricher().enrich(refs([...ids, ...ids]));
    expect(fake.calls.map((c) => c.ids.length).sort((a, b) => a - b)).toEqual([50, 100]);
    expect(out.get(`${PORTAL}:contact:7`)).toMatchObject({ state: 'enriched', snapshot: { id: '7', properties: { email: 'c7@example.com' } } });
  });

  it('marks objects HubSpot reports missing (207) as not_found', async () => {
    const out = await enricher().enrich(refs([1, 999]));
    expect(out.get(`${PORTAL}:contact:1`)?.state).toBe('enriched');
    expect(out.get(`${PORTAL}:contact:999`)).toMatchObject({ state: 'not_found', snapshot: null });
  });

  it('defers (pending, with a retry time) instead of failing when HubSpot is down', async () => {
    fake.failAll({ status: 503 });
    const out = await enricher().enrich(refs([1, 2]));
    const o = out.get(`${PORTAL}:contact:1`);
    expect(o?.state).toBe('pending');
    expect(o?.nextAt).toBeGreaterThan(1_000_000);
    expect(o?.error).toMatch(/\w/);
  });

  it('skips types without a CRM batch read and portals without a token', async () => {
    const out = await enricher().enrich(refs([5], 'conversation'));
    expect(out.get(`${PORTAL}:conversation:5`)?.state).toBe('skipped');
    const noToken = await enricher('').enrich(refs([1]));
    expect(noToken.get(`${PORTAL}:contact:1`)?.state).toBe('skipped');
    expect(fake.calls).toHaveLength(0);
  });
});
