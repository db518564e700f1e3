import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLocalArchive, type ArchiveStore } from '@hookstream/archive';
import type { EdgeArchive } from './archive.js';
import { NOW, postStub, STUB_KEY, stubEdge, type StubEdge } from './testing/stub-provider.js';

// The edge's raw archive on a real local directory, through real HTTP handling (inject).
const root = await mkdtemp(join(tmpdir(), 'hookstream-edge-archive-'));
let n = 0;
const opened: Array<{ store: ArchiveStore; edge: StubEdge }> = [];

afterEach(async () => {
  for (const { store, edge } of opened.splice(0)) {
    await edge.app.close();
    await store.close();
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function setup(opts: { providers?: string[]; hosted?: string[]; store?: ArchiveStore; writeTimeoutMs?: number } = {}) {
  const dir = join(root, `dir-${++n}`);
  const store = opts.store ?? createLocalArchive({ dir });
  const archive: EdgeArchive = { store, providers: opts.providers ?? ['stub'], writeTimeoutMs: opts.writeTimeoutMs ?? 4000 };
  const edge = await stubEdge(opts.hosted ?? ['stub'], archive);
  opened.push({ store, edge });
  return { ...edge, store, dir };
}

/** Every file under `dir` (none when it was never created). */
async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
}

const BODY = '{ "events" : [ {"name":"Jürgen","n":1}, {"n":2} ] }\n';

describe('edge raw archive', () => {
  it('archives an accepted request byte for byte, with its request id and without secret headers', async () => {
    const { app, store, publisher, lines } = await setup();
    const res = await postStub(app, 'stub', 'orders', BODY, {
      authorization: 'Bearer very-secret-token',
      cookie: 'session=very-secret-cookie',
      'x-api-key': 'very-secret-api-key',
      'user-agent': 'sender/2.1',
      'x-sender-trace': 'abc',
    });
    expect(res.statusCode).toBe(200);
    const { requestId } = res.json<{ requestId: string }>();
    expect(publisher.batches).toHaveLength(1);

    const record = await store.get(requestId);
    expect(record?.body.equals(Buffer.from(BODY, 'utf8'))).toBe(true);
    expect(record).toMatchObject({ requestId, receivedAt: NOW, provider: 'stub', source: 'orders', method: 'POST', url: '/webhooks/stub/orders?via=test' });
    expect(record?.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'sender/2.1', 'x-sender-trace': 'abc' });
    for (const secret of ['x-stub-key', 'authorization', 'cookie', 'x-api-key']) expect(record?.headers).not.toHaveProperty(secret);
    const text = JSON.stringify(record?.headers);
    expect(text).not.toContain(STUB_KEY);
    expect(text).not.toContain('very-secret');
    // One 'delivery accepted' line says the request was archived; it carries no payload or key.
    const accepted = lines.find((l) => l.includes('delivery accepted'));
    expect(accepted).toContain('"archived":true');
    expect(lines.join('')).not.toContain(STUB_KEY);
    expect(lines.join('')).not.toContain('Jürgen');
  });

  it("archives under the provider id when the route names no source, and under the route's source otherwise", async () => {
    const { app, store } = await setup();
    const plain = await postStub(app, 'stub', '-', BODY);
    const named = await postStub(app, 'stub', 'invoices', BODY);
    expect((await store.get(plain.json<{ requestId: string }>().requestId))?.source).toBe('stub');
    expect((await store.get(named.json<{ requestId: string }>().requestId))?.source).toBe('invoices');
  });

  it.each([
    ['401 (wrong key)', { 'x-stub-key': 'wrong' }, BODY, 401],
    ['422 (invalid events)', {}, '{"events":[]}', 422],
    ['400 (not JSON)', {}, '{"events":', 400],
  ])('never archives a refused request: %s', async (_name, headers, body, status) => {
    const { app, dir, publisher } = await setup();
    const res = await postStub(app, 'stub', 'orders', body, headers);
    expect(res.statusCode).toBe(status);
    expect(publisher.batches).toHaveLength(0);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('answers 503 ARCHIVE_UNAVAILABLE (retryable, Retry-After) when the archive cannot be written, and counts the failure', async () => {
    // A regular file where the archive's directory should be: every write fails (ENOTDIR).
    const blocked = join(root, `blocked-${++n}`);
    await writeFile(blocked, 'not a directory');
    const { app, registry } = await setup({ store: createLocalArchive({ dir: blocked }) });
    const res = await postStub(app, 'stub', 'orders', BODY);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ code: 'ARCHIVE_UNAVAILABLE', message: 'the request could not be archived; retry later' });
    const metrics = (await registry.metrics()).split('\n');
    const sample = (name: string) => metrics.find((l) => l.startsWith(`${name}{`) && l.includes('provider="stub"'));
    expect(sample('hookstream_edge_archive_failures_total')).toMatch(/ 1$/);
    expect(sample('hookstream_edge_archive_write_seconds_count')).toMatch(/ 1$/);
  });

  it('answers 503 when the archive does not confirm within ARCHIVE_WRITE_TIMEOUT_MS', async () => {
    const hanging: ArchiveStore = {
      put: () => new Promise(() => undefined),
      get: async () => null,
      deleteOlderThan: async () => 0,
      close: async () => undefined,
    };
    const { app } = await setup({ store: hanging, writeTimeoutMs: 50 });
    const res = await postStub(app, 'stub', 'orders', BODY);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'ARCHIVE_UNAVAILABLE', message: expect.stringContaining('ARCHIVE_WRITE_TIMEOUT_MS') });
  });

  it('answers 503 BROKER_UNAVAILABLE when Kafka fails, even though the archive took the request', async () => {
    const { app, publisher, dir } = await setup();
    publisher.failWith = new Error('broker down');
    const res = await postStub(app, 'stub', 'orders', BODY);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    // Allowed: an archived request that was not accepted (the sender retries and is archived again).
    expect((await filesUnder(dir)).some((f) => f.endsWith('.json.gz'))).toBe(true);
  });

  it('archives only the providers ARCHIVE_PROVIDERS lists', async () => {
    const { app, store, dir } = await setup({ hosted: ['stub', 'other'], providers: ['stub'] });
    const other = await postStub(app, 'other', 'orders', BODY);
    expect(other.statusCode).toBe(200);
    expect(await store.get(other.json<{ requestId: string }>().requestId)).toBeNull();
    expect(await filesUnder(dir)).toEqual([]);
    const stub = await postStub(app, 'stub', 'orders', BODY);
    expect(await store.get(stub.json<{ requestId: string }>().requestId)).not.toBeNull();
  });

  it('archives nothing and registers no archive metrics without an archive (ARCHIVE_BACKEND=off)', async () => {
    const edge = await stubEdge(['stub'], undefined);
    try {
      const res = await postStub(edge.app, 'stub', 'orders', BODY);
      expect(res.statusCode).toBe(200);
      expect(await edge.registry.metrics()).not.toContain('hookstream_edge_archive');
    } finally {
      await edge.app.close();
    }
  });
});
