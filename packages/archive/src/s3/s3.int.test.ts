import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startLocalS3, type LocalS3 } from '@hookstream/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOver } from '../archive.js';
import { dataKey } from '../keys.js';
import { ArchiveSettingsSchema, createArchive } from '../settings.js';
import { archiveContract, record, T0 } from '../store-contract.js';
import { createS3Archive } from './index.js';
import { s3BlobStore } from './s3-blob.js';

// A real S3-compatible server (Adobe's S3Mock from Maven Central), spoken to through the real SDK.
let s3: LocalS3;
let raw: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3();
  raw = new S3Client({ region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });
});

afterAll(async () => {
  raw?.destroy();
  await s3?.stop();
});

/** Each store gets its own key prefix in the one bucket, so cases never see each other's objects. */
const openStore = (prefix = `t-${randomUUID()}`) =>
  createS3Archive({ bucket: s3.bucket, prefix, region: s3.region, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials });

describe('S3 archive: the store contract', () => {
  archiveContract(() => openStore());
});

describe('S3 archive: objects in the bucket', () => {
  it('stores the record at <prefix>/raw/<provider>/<source>/<YYYY>/<MM>/<DD>/<HH>/… as a gzip object', async () => {
    const prefix = `layout-${randomUUID()}`;
    const store = openStore(prefix);
    const r = record();
    await store.put(r);
    const listed = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key).sort();
    expect(keys).toHaveLength(2);
    expect(keys).toContain(`${prefix}/${dataKey(r)}`);
    expect(dataKey(r)).toMatch(/^raw\/sources\/notifications\/2026\/03\/14\/09\/1773480413589-[0-9a-f-]{36}\.json\.gz$/);
    const obj = await raw.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/${dataKey(r)}` }));
    const bytes = Buffer.from(await (obj.Body?.transformToByteArray() ?? Promise.resolve(new Uint8Array())));
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    await store.close();
  });

  it('retention pages through several ListObjectsV2 pages and DeleteObjects requests', async () => {
    const prefix = `paging-${randomUUID()}`;
    // Small pages and batches, so 30 records cross every page and batch boundary S3's 1,000 would.
    // Not closed: it shares the `raw` client, which afterAll destroys.
    const store = archiveOver(s3BlobStore(raw, s3.bucket, `${prefix}/`, { listPageSize: 7, deleteBatch: 8 }));
    const old = Array.from({ length: 30 }, (_, i) => record({ receivedAt: T0 - 10 * 3_600_000 + i * 1_000_000, body: Buffer.from([i]) }));
    const kept = [record({ receivedAt: T0 }), record({ receivedAt: T0 + 1 })];
    await Promise.all([...old, ...kept].map((r) => store.put(r)));
    // The server honours MaxKeys, so the walk below really crosses pages.
    const firstPage = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/raw/`, MaxKeys: 7 }));
    expect([firstPage.KeyCount, firstPage.IsTruncated]).toEqual([7, true]);
    expect(await store.deleteOlderThan(T0)).toBe(old.length);
    for (const r of old) expect(await store.get(r.requestId)).toBeNull();
    for (const r of kept) expect((await store.get(r.requestId))?.body.equals(r.body)).toBe(true);
    const left = await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `${prefix}/` }));
    expect(left.KeyCount).toBe(kept.length * 2);
  });

  it('ignores foreign objects under raw/ that are not records', async () => {
    const prefix = `foreign-${randomUUID()}`;
    await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}/raw/sources/notifications/README.txt`, Body: 'not a record' }));
    const store = openStore(prefix);
    expect(await store.deleteOlderThan(T0)).toBe(0);
    await store.close();
  });

  it('createArchive builds the S3 backend from ARCHIVE_* settings', async () => {
    const settings = ArchiveSettingsSchema.parse({
      ARCHIVE_BACKEND: 's3',
      ARCHIVE_S3_BUCKET: s3.bucket,
      ARCHIVE_S3_PREFIX: `settings-${randomUUID()}`,
      ARCHIVE_S3_ENDPOINT: s3.endpoint,
      ARCHIVE_S3_FORCE_PATH_STYLE: 'true',
    });
    const store = createArchive(settings, { s3Credentials: s3.credentials });
    if (!store) throw new Error('expected a store');
    const r = record();
    await store.put(r);
    expect((await store.get(r.requestId))?.body.equals(r.body)).toBe(true);
    await store.close();
  });

  it('an unreachable S3 endpoint answers ARCHIVE_UNAVAILABLE (503, retryable)', async () => {
    const store = createS3Archive({ bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: s3.credentials });
    await expect(store.put(record())).rejects.toMatchObject({ code: 'ARCHIVE_UNAVAILABLE', httpStatus: 503, retryable: true });
    await store.close();
  }, 60_000);
});
