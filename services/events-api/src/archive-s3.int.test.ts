import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { ArchiveSettingsSchema, createArchive, type ArchiveRecord, type ArchiveStore } from '@hookstream/archive';
import { createLogger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import { startLocalS3, type LocalS3 } from '@hookstream/testkit';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from './app.js';
import { startArchiveRetention } from './archive-retention.js';
import type { ArchivedRequestJson } from './routes/archive.js';
import { createFakeReader, fakeHubSpotApi } from './testing/fake-reader.js';

// GET /archive and retention against a real S3-compatible server (S3Mock) through @aws-sdk/client-s3.
const ADMIN = 'adm_0123456789abcdefghij';
const READER = 'tok_reader_0123456789ab';
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 14, 12, 0, 0);

let s3: LocalS3;
let store: ArchiveStore;
let app: FastifyInstance;

beforeAll(async () => {
  s3 = await startLocalS3();
  const settings = ArchiveSettingsSchema.parse({
    ARCHIVE_BACKEND: 's3',
    ARCHIVE_S3_BUCKET: s3.bucket,
    ARCHIVE_S3_PREFIX: `api-${randomUUID()}`,
    ARCHIVE_S3_ENDPOINT: s3.endpoint,
    ARCHIVE_S3_FORCE_PATH_STYLE: 'true',
  });
  const created = createArchive(settings, { s3Credentials: s3.credentials });
  if (!created) throw new Error('expected an S3 store');
  store = created;
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [READER], ADMIN_API_TOKENS: [ADMIN] },
    ...fakeHubSpotApi(createFakeReader([])),
    log: createLogger({ name: 'test', level: 'silent' }),
    ready: async () => true,
    // Never used by the archive route.
    dataSource: {} as DataSource,
    archive: store,
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  await s3?.stop();
});

const record = (receivedAt: number, body: Buffer = randomBytes(2048)): ArchiveRecord => ({
  requestId: randomUUID(),
  receivedAt,
  provider: 'location',
  source: 'radar',
  method: 'POST',
  url: '/webhooks/location/radar',
  headers: { 'content-type': 'application/json', 'user-agent': 'radar/1.0' },
  body,
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${ADMIN}` } });

describe('raw archive on S3 through events-api', () => {
  it('GET /archive/:requestId answers the exact bytes, and the JSON form the record', async () => {
    const r = record(NOW, Buffer.concat([Buffer.from('{"ü":1}'), Buffer.from([0, 0xff, 0x0d, 0x0a])]));
    await store.put(r);
    const raw = await get(`/archive/${r.requestId}`);
    expect(raw.statusCode).toBe(200);
    expect(raw.rawPayload.equals(r.body)).toBe(true);
    expect(raw.headers).toMatchObject({ 'content-type': 'application/json', 'x-hookstream-provider': 'location', 'x-hookstream-source': 'radar' });
    const json = (await get(`/archive/${r.requestId}?format=json`)).json<ArchivedRequestJson>();
    expect(Buffer.from(json.body, 'base64').equals(r.body)).toBe(true);
    expect(json).toMatchObject({ requestId: r.requestId, receivedAt: new Date(NOW).toISOString(), headers: r.headers });
    expect((await get(`/archive/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('retention deletes what is older than ARCHIVE_RETENTION_DAYS and keeps the rest', async () => {
    const old = [record(NOW - 40 * DAY), record(NOW - 8 * DAY)];
    const kept = [record(NOW - 6 * DAY), record(NOW)];
    for (const r of [...old, ...kept]) await store.put(r);
    const runs: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        runs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    const log = createLogger({ name: 'test', level: 'info', destination });
    const retention = startArchiveRetention({ store, retentionDays: 7, intervalMs: 3_600_000, log, now: () => NOW });
    await vi.waitFor(() => expect(runs).toHaveLength(1), { timeout: 30_000 });
    await retention.stop();
    // The first test's record (received at NOW) is kept too.
    expect(runs[0]).toMatchObject({ msg: 'archive retention run', deleted: 2 });
    for (const r of old) expect((await get(`/archive/${r.requestId}`)).statusCode).toBe(404);
    for (const r of kept) expect((await get(`/archive/${r.requestId}`)).rawPayload.equals(r.body)).toBe(true);
  });
});
