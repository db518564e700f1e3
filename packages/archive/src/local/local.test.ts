import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataKey, indexKey } from '../keys.js';
import { archiveContract, record, T0 } from '../store-contract.js';
import { createLocalArchive } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'hookstream-archive-test-'));
let n = 0;
const freshDir = (): string => join(root, `store-${++n}`);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('local archive: the store contract', () => {
  archiveContract(() => createLocalArchive({ dir: freshDir() }));
});

describe('local archive: files on disk', () => {
  it('writes the record under its partition, gzip-compressed, with an index entry', async () => {
    const dir = freshDir();
    const store = createLocalArchive({ dir });
    const r = record();
    await store.put(r);
    const path = join(dir, ...dataKey(r).split('/'));
    expect(path).toContain(join('raw', 'sources', 'notifications', '2026', '03', '14', '09'));
    const bytes = await readFile(path);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect(JSON.parse(await readFile(join(dir, ...indexKey(r.requestId).split('/')), 'utf8'))).toEqual({ v: 1, key: dataKey(r) });
    await store.close();
  });

  it('ignores the temp file a crash mid-write leaves behind, and a later put of the same id succeeds', async () => {
    const dir = freshDir();
    const r = record();
    // The state a crash between write and rename leaves: a truncated dot-temp file, no record, no index.
    const finalPath = join(dir, ...dataKey(r).split('/'));
    await mkdir(dirname(finalPath), { recursive: true });
    await writeFile(join(dirname(finalPath), `.${finalPath.split('/').pop() ?? ''}.tmp-999-deadbeef0000`), randomBytes(100));
    const store = createLocalArchive({ dir });
    expect(await store.get(r.requestId)).toBeNull();
    expect(await store.deleteOlderThan(T0 + 1)).toBe(0);
    await store.put(r);
    expect((await store.get(r.requestId))?.body.equals(r.body)).toBe(true);
    await store.close();
  });

  it('a record written without its index entry (crash between the two writes) is not returned, and retention deletes it', async () => {
    const dir = freshDir();
    const store = createLocalArchive({ dir });
    const r = record();
    await store.put(r);
    await rm(join(dir, ...indexKey(r.requestId).split('/')));
    expect(await store.get(r.requestId)).toBeNull();
    expect(await store.deleteOlderThan(T0 + 1)).toBe(1);
    await store.close();
  });

  it('retention removes emptied partitions, including stale temp debris, and keeps live ones', async () => {
    const dir = freshDir();
    const store = createLocalArchive({ dir });
    const old = record({ receivedAt: T0 - 48 * 3_600_000 });
    const live = record();
    await store.put(old);
    await store.put(live);
    const oldDir = dirname(join(dir, ...dataKey(old).split('/')));
    const debris = join(oldDir, '.x.json.gz.tmp-1-abc');
    await writeFile(debris, 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await utimes(debris, twoHoursAgo, twoHoursAgo);

    expect(await store.deleteOlderThan(T0 - 3_600_000)).toBe(1);
    await expect(stat(join(dir, 'raw', 'sources', 'notifications', '2026', '03', '12'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(join(dir, 'raw', 'sources', 'notifications', '2026', '03'))).toEqual(['14']);
    expect((await store.get(live.requestId))?.body.equals(live.body)).toBe(true);
    await store.close();
  });

  it('refuses a record whose fields cannot be laid out safely, naming each field', async () => {
    const store = createLocalArchive({ dir: freshDir() });
    await expect(store.put(record({ provider: '../etc', receivedAt: -1 }))).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID_RECORD',
      retryable: false,
      errors: [expect.objectContaining({ path: '/receivedAt' }), expect.objectContaining({ path: '/provider' })],
    });
    await store.close();
  });

  it('a store whose directory cannot be written answers ARCHIVE_UNAVAILABLE (503, retryable)', async () => {
    const file = join(root, `not-a-dir-${++n}`);
    await writeFile(file, 'x');
    const store = createLocalArchive({ dir: file });
    await expect(store.put(record())).rejects.toMatchObject({ code: 'ARCHIVE_UNAVAILABLE', httpStatus: 503, retryable: true });
    await store.close();
  });
});
