import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createBatchReadClient } from './client.js';
import { HubSpotUnavailableError } from './errors.js';

// Exotic answers the testkit fake does not script (423, bad bodies, hanging): a bare loopback
// server that plays a list of handlers in order.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (s) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function scripted(handlers: Handler[]): Promise<{ url: string; bodies: string[] }> {
  const bodies: string[] = [];
  let n = 0;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(body);
      const h = handlers[Math.min(n++, handlers.length - 1)];
      h?.(req, res);
    });
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, bodies };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
const ok = json(200, { status: 'COMPLETE', results: [{ id: '1', properties: { a: 'x' } }] });

function client(url: string, extra: { requestTimeoutMs?: number; maxRetries?: number } = {}) {
  const c = { t: 0, sleeps: [] as number[] };
  const api = createBatchReadClient({
    baseUrl: `${url}/`,
    tokenFor: () => 'tok',
    log: createLogger({ name: 't', level: 'silent' }),
    now: () => c.t,
    sleep: async (ms) => void (c.sleeps.push(ms), (c.t += ms)),
    random: () => 0,
    ...extra,
  });
  return { api, c };
}

const read = (api: ReturnType<typeof client>['api']) => api.read({ portalId: 1, objectType: 'line_item', ids: ['1'], properties: ['a', 'a'] });

describe('batch-read client edge cases', () => {
  it('sends the documented request', async () => {
    let seen: IncomingMessage | undefined;
    const s = await scripted([(req, res) => ((seen = req), ok(req, res))]);
    const { api } = client(s.url);
    await read(api);
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/crm/v3/objects/line_items/batch/read?archived=false');
    expect(seen?.headers.authorization).toBe('Bearer tok');
    expect(JSON.parse(s.bodies[0] ?? '')).toEqual({ inputs: [{ id: '1' }], properties: ['a'], propertiesWithHistory: [] });
  });

  it('waits at least 2 s after a 423', async () => {
    const s = await scripted([json(423, { status: 'error', message: 'locked' }), ok]);
    const { api, c } = client(s.url);
    const res = await read(api);
    expect(res.found.get('1')?.properties.a).toBe('x');
    expect(c.sleeps).toEqual([2_000]);
  });

  it('honours Retry-After given as an HTTP date on a 503', async () => {
    const s = await scripted([json(503, { status: 'error' }, { 'retry-after': new Date(7_000).toUTCString() }), ok]);
    const { api, c } = client(s.url);
    await read(api);
    expect(c.sleeps).toEqual([7_000]);
  });

  it('retries a 200 whose body is not a batch response', async () => {
    const s = await scripted([json(200, { nope: true }), (_q, res) => res.writeHead(200).end('not json'), ok]);
    const { api, c } = client(s.url);
    const res = await read(api);
    expect(res.found.size).toBe(1);
    expect(c.sleeps).toHaveLength(2);
  });

  it('times out a hanging request and reports unavailable', async () => {
    const s = await scripted([() => undefined]);
    const { api } = client(s.url, { requestTimeoutMs: 50, maxRetries: 0 });
    const err = await read(api).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubSpotUnavailableError);
    expect((err as Error).message).toContain('no answer within 50 ms');
    expect(s.bodies).toHaveLength(1);
  });
});
