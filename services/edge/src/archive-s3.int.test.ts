import { ArchiveSettingsSchema, createArchive, createS3Archive, type ArchiveStore } from '@hookstream/archive';
import { startLocalS3, type LocalS3 } from '@hookstream/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeArchive } from './archive.js';
import { NOW, postStub, STUB_KEY, stubEdge } from './testing/stub-provider.js';

// The edge archiving into a real S3-compatible server (S3Mock) through @aws-sdk/client-s3, as
// main.ts builds it from ARCHIVE_* settings.
let s3: LocalS3;
let store: ArchiveStore;

beforeAll(async () => {
  s3 = await startLocalS3();
  const settings = ArchiveSettingsSchema.parse({
    ARCHIVE_BACKEND: 's3',
    ARCHIVE_S3_BUCKET: s3.bucket,
    ARCHIVE_S3_PREFIX: `edge-${NOW}`,
    ARCHIVE_S3_ENDPOINT: s3.endpoint,
    ARCHIVE_S3_FORCE_PATH_STYLE: 'true',
    ARCHIVE_PROVIDERS: 'stub',
  });
  const created = createArchive(settings, { s3Credentials: s3.credentials });
  if (!created) throw new Error('expected an S3 store');
  store = created;
});

afterAll(async () => {
  await store?.close();
  await s3?.stop();
});

describe('edge raw archive on S3', () => {
  it('archives an accepted request byte for byte without its credentials, readable by request id', async () => {
    const edge = await stubEdge(['stub'], { store, providers: ['stub'], writeTimeoutMs: 10_000 });
    try {
      const body = `{"events":[{"name":"Zoë","raw":"\\u0000 tab\\t"}]}  \n`;
      const res = await postStub(edge.app, 'stub', 'orders', body, { authorization: 'Bearer s3cr3t-bearer', 'user-agent': 'sender/1' });
      expect(res.statusCode).toBe(200);
      const record = await store.get(res.json<{ requestId: string }>().requestId);
      expect(record?.body.equals(Buffer.from(body))).toBe(true);
      expect(record).toMatchObject({ provider: 'stub', source: 'orders', receivedAt: NOW, headers: { 'user-agent': 'sender/1' } });
      expect(JSON.stringify(record?.headers)).not.toMatch(new RegExp(`${STUB_KEY}|s3cr3t-bearer`));
    } finally {
      await edge.app.close();
    }
  });

  it('answers 503 ARCHIVE_UNAVAILABLE when S3 cannot be reached, so the sender retries', async () => {
    const unreachable = createS3Archive({
      bucket: 'b',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: s3.credentials,
    });
    const archive: EdgeArchive = { store: unreachable, providers: ['stub'], writeTimeoutMs: 30_000 };
    const edge = await stubEdge(['stub'], archive);
    try {
      const res = await postStub(edge.app, 'stub', 'orders', '{"events":[{"n":1}]}');
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({ code: 'ARCHIVE_UNAVAILABLE' });
    } finally {
      await edge.app.close();
      await unreachable.close();
    }
  }, 60_000);
});
