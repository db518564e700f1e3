import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLocalArchive, type ArchiveRecord, type ArchiveStore } from '@hookstream/archive';
import { createLogger } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import type { ArchivedRequestJson } from './routes/archive.js';
import { createFakeReader, fakeHubSpotApi } from './testing/fake-reader.js';

// GET /archive/:requestId over real HTTP handling (inject) and a real local archive directory.
const READER = 'tok_reader_0123456789ab';
const ADMIN = 'adm_0123456789abcdefghij';
/** 2026-03-14T09:26:53.589Z */
const T0 = Date.UTC(2026, 2, 14, 9, 26, 53, 589);

/** Never reached: the archive route does not use the database. */
const UNUSED_DS = {
  query: async () => {
    throw new Error('the database must not be used');
  },
} as unknown as DataSource;

const root = await mkdtemp(join(tmpdir(), 'hookstream-api-archive-'));
let n = 0;
let app: FastifyInstance | undefined;
let store: ArchiveStore | undefined;
afterEach(async () => {
  await app?.close();
  await store?.close();
  app = undefined;
  store = undefined;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function build(opts: { archive?: 'local' | 'off'; admin?: string[] } = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  store = opts.archive === 'off' ? undefined : createLocalArchive({ dir: join(root, `dir-${++n}`) });
  app = await buildApp({
    config: { EVENTS_API_TOKENS: [READER], ADMIN_API_TOKENS: opts.admin ?? [ADMIN] },
    ...fakeHubSpotApi(createFakeReader([])),
    log: createLogger({ name: 'test', level: 'info', destination }),
    ready: async () => true,
    dataSource: UNUSED_DS,
    ...(store ? { archive: store } : {}),
  });
  return { app, store, lines };
}

function record(over: Partial<ArchiveRecord> = {}): ArchiveRecord {
  return {
    requestId: randomUUID(),
    receivedAt: T0,
    provider: 'location',
    source: 'radar',
    method: 'POST',
    url: '/webhooks/location/radar?x=1',
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'radar/1.0', 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] },
    // Not valid UTF-8, with NUL and CR LF: the bytes must come back as they were, not re-encoded.
    body: Buffer.concat([Buffer.from('{"a":"Jürgen"}\r\n'), Buffer.from([0x00, 0xff, 0xfe, 0x1f, 0x8b]), randomBytes(4096)]),
    ...over,
  };
}

const get = (a: FastifyInstance, url: string, token?: string) => a.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /archive/:requestId', () => {
  it('answers the original bytes with the original content-type and the record in x-hookstream-* headers', async () => {
    const { app, store, lines } = await build();
    const r = record();
    await store?.put(r);
    const res = await get(app, `/archive/${r.requestId}`, ADMIN);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(r.body)).toBe(true);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(r.body.length),
      'x-hookstream-request-id': r.requestId,
      'x-hookstream-provider': 'location',
      'x-hookstream-source': 'radar',
      'x-hookstream-received-at': '2026-03-14T09:26:53.589Z',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    // The read is logged by id; the content never is.
    const line = lines.find((l) => l.includes('archived request read'));
    expect(line).toContain(r.requestId);
    expect(lines.join('')).not.toContain('Jürgen');
  });

  it('answers application/octet-stream when the request had no content-type', async () => {
    const { app, store } = await build();
    const r = record({ headers: {} });
    await store?.put(r);
    const res = await get(app, `/archive/${r.requestId}`, ADMIN);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.rawPayload.equals(r.body)).toBe(true);
  });

  it('?format=json answers the whole record with the body in base64', async () => {
    const { app, store } = await build();
    const r = record();
    await store?.put(r);
    const res = await get(app, `/archive/${r.requestId}?format=json`, ADMIN);
    expect(res.statusCode).toBe(200);
    const json = res.json<ArchivedRequestJson>();
    expect({ ...json, body: null }).toEqual({
      requestId: r.requestId,
      provider: 'location',
      source: 'radar',
      receivedAt: '2026-03-14T09:26:53.589Z',
      method: 'POST',
      url: '/webhooks/location/radar?x=1',
      headers: r.headers,
      body: null,
    });
    expect(Buffer.from(json.body, 'base64').equals(r.body)).toBe(true);
  });

  it('answers 404 NOT_FOUND for an unknown id and for an id that cannot exist', async () => {
    const { app } = await build();
    const unknown = randomUUID();
    const res = await get(app, `/archive/${unknown}`, ADMIN);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(unknown) });
    const odd = await get(app, `/archive/${encodeURIComponent('../../etc/passwd')}`, ADMIN);
    expect(odd.statusCode).toBe(404);
    expect(odd.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.not.stringContaining('passwd') });
  });

  it('answers 400 for an unknown format or parameter', async () => {
    const { app } = await build();
    const id = randomUUID();
    expect((await get(app, `/archive/${id}?format=xml`, ADMIN)).json()).toMatchObject({ code: 'BAD_REQUEST', message: 'format: must be raw or json' });
    expect((await get(app, `/archive/${id}?fromat=json`, ADMIN)).statusCode).toBe(400);
  });

  it('answers 401 without a token, 403 admin_required to a reader token, and reads nothing for them', async () => {
    const { app, store } = await build();
    const r = record();
    await store?.put(r);
    const none = await get(app, `/archive/${r.requestId}`);
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    const reader = await get(app, `/archive/${r.requestId}`, READER);
    expect(reader.statusCode).toBe(403);
    expect(reader.json()).toMatchObject({ code: 'admin_required' });
    expect(reader.rawPayload.includes(r.body.subarray(0, 16))).toBe(false);
  });

  it('answers 404 admin_api_disabled while ADMIN_API_TOKENS is unset', async () => {
    const { app } = await build({ admin: [] });
    const res = await get(app, `/archive/${randomUUID()}`, READER);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'admin_api_disabled' });
  });

  it('answers 503 ARCHIVE_DISABLED, naming ARCHIVE_BACKEND, when the archive is off', async () => {
    const { app } = await build({ archive: 'off' });
    const res = await get(app, `/archive/${randomUUID()}`, ADMIN);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ARCHIVE_DISABLED', message: expect.stringContaining('ARCHIVE_BACKEND') });
  });
});
