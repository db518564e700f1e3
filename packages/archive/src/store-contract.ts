import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ArchiveRecord, ArchiveStore } from './record.js';

/*
 * One behaviour, two backends: every ArchiveStore runs these cases (local.test.ts on a temp
 * dir, s3.int.test.ts on a real S3-compatible server), so they cannot drift apart.
 */

const HOUR = 3_600_000;
/** 2026-03-14T09:26:53.589Z: a fixed instant, so partitions and retention cutoffs are known. */
export const T0 = Date.UTC(2026, 2, 14, 9, 26, 53, 589);

export function record(over: Partial<ArchiveRecord> = {}): ArchiveRecord {
  return {
    requestId: randomUUID(),
    receivedAt: T0,
    provider: 'sources',
    source: 'notifications',
    method: 'POST',
    url: '/webhooks/sources/notifications?x=1',
    headers: { 'content-type': 'application/json', 'user-agent': 'test/1.0', 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] },
    body: randomBytes(512),
    ...over,
  };
}

/** `create` must give each call its own empty namespace (a fresh directory, a fresh key prefix). */
export function archiveContract(create: () => ArchiveStore): void {
  const opened: ArchiveStore[] = [];
  const open = (): ArchiveStore => {
    const store = create();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('round-trips random binary bodies byte for byte: empty, small, 1 MB', async () => {
    const store = open();
    const bodies = [Buffer.alloc(0), randomBytes(1), randomBytes(4096), randomBytes(1024 * 1024), Buffer.from([0x00, 0xff, 0x1f, 0x8b, 0x0a, 0x0d])];
    const recs = bodies.map((body) => record({ body }));
    for (const r of recs) await store.put(r);
    for (const r of recs) {
      const back = await store.get(r.requestId);
      expect(back).not.toBeNull();
      // Buffer.equals, not toEqual: vitest compares a 1 MB Buffer element by element for seconds.
      expect(back?.body.equals(r.body)).toBe(true);
      expect({ ...back, body: null }).toEqual({ ...r, body: null });
    }
  });

  it('get of an unknown id, or an id that cannot be a key, is null', async () => {
    const store = open();
    expect(await store.get(randomUUID())).toBeNull();
    expect(await store.get('../../etc/passwd')).toBeNull();
    expect(await store.get('')).toBeNull();
  });

  it('never stores authorization, cookie or x-api-key, even when the caller passes them', async () => {
    const store = open();
    const r = record({ headers: { authorization: 'Bearer s3cr3t', cookie: 'a=b', 'x-api-key': 'k', 'content-type': 'text/plain' } });
    await store.put(r);
    expect((await store.get(r.requestId))?.headers).toEqual({ 'content-type': 'text/plain' });
  });

  it('retention deletes exactly the records received before the cutoff, in every provider and source', async () => {
    const store = open();
    const cutoff = T0 - 2 * HOUR;
    const at = (receivedAt: number, provider = 'sources', source = 'notifications') => record({ receivedAt, provider, source });
    const old = [at(T0 - 30 * 24 * HOUR), at(T0 - 3 * HOUR, 'hubspot', 'hubspot'), at(cutoff - 1), at(cutoff - 1, 'sources', 'orders')];
    const kept = [at(cutoff), at(cutoff + 1, 'hubspot', 'hubspot'), at(T0), at(T0 + HOUR, 'sources', 'orders')];
    await Promise.all([...old, ...kept].map((r) => store.put(r)));

    expect(await store.deleteOlderThan(cutoff)).toBe(old.length);
    for (const r of old) expect(await store.get(r.requestId)).toBeNull();
    for (const r of kept) expect((await store.get(r.requestId))?.body.equals(r.body)).toBe(true);
    // A second run finds nothing more to delete.
    expect(await store.deleteOlderThan(cutoff)).toBe(0);
  });

  it('concurrent puts into the same partition all land intact', async () => {
    const store = open();
    const recs = Array.from({ length: 40 }, (_, i) => record({ receivedAt: T0 + i, body: randomBytes(1 + i * 97) }));
    await Promise.all(recs.map((r) => store.put(r)));
    const back = await Promise.all(recs.map((r) => store.get(r.requestId)));
    back.forEach((b, i) => expect(b?.body.equals(recs[i]?.body ?? Buffer.alloc(1))).toBe(true));
  });

  it('a closed store refuses further use with an AppError', async () => {
    const store = open();
    await store.close();
    await expect(store.put(record())).rejects.toMatchObject({ code: 'ARCHIVE_CLOSED' });
  });
}
