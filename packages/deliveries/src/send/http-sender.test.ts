import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Resolve } from '../destination-guard.js';
import { createHttpSender, type Sender, type SenderOptions } from './http-sender.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  url: (path?: string) => string;
  /** Requests whose headers arrived (the body may still be on its way). */
  hits: IncomingMessage[];
  /** Requests read to the end. */
  received: Received[];
  close: () => Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real loopback server; the handler answers (or does not) after the request body is read. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const hits: IncomingMessage[] = [];
  const received: Received[] = [];
  const server = createServer((req, res) => {
    hits.push(req);
    res.on('error', () => undefined);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = async (): Promise<void> => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { port, url: (path = '/hook') => `http://127.0.0.1:${port}${path}`, hits, received, close };
}

/** A port that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const LOCAL = { allowPrivate: true, allowHttp: true };

function sender(opts: Partial<SenderOptions> = {}): Sender {
  const s = createHttpSender({ destinations: LOCAL, timeoutMs: 5000, ...opts });
  cleanups.push(() => s.close());
  return s;
}

const BODY = '{"id":"1","type":"contact.created","data":{"name":"Zoë"}}';
const HEADERS = { 'webhook-id': 'msg_1_orders', 'webhook-timestamp': '1700000000', 'webhook-signature': 'v1,abc=' };

describe('createHttpSender: answers', () => {
  it('a 2xx succeeds; the request is a JSON POST with the given headers, path and query', async () => {
    const srv = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks'));
    const r = await sender().send(srv.url('/in/hook?tenant=a'), BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'succeeded', status: 200, error: null, responseSnippet: 'thanks', retryAfterMs: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(srv.received).toHaveLength(1);
    const got = srv.received[0];
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/in/hook?tenant=a');
    expect(got?.body).toBe(BODY);
    expect(got?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Hookstream-Webhooks/1.0',
      'webhook-id': 'msg_1_orders',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,abc=',
    });
  });

  it('uses the configured user agent', async () => {
    const srv = await serve((_req, res) => res.writeHead(204).end());
    await sender({ userAgent: 'Custom/2' }).send(srv.url(), BODY, HEADERS);
    expect(srv.received[0]?.headers['user-agent']).toBe('Custom/2');
  });

  it.each([200, 201, 202, 204, 299])('%d is a success', async (status) => {
    const srv = await serve((_req, res) => res.writeHead(status).end());
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('succeeded');
    expect(r.status).toBe(status);
    expect(r.responseSnippet).toBeNull();
  });

  it('caps the snippet at snippetBytes', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end('x'.repeat(5000)));
    const r = await sender({ snippetBytes: 100 }).send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('succeeded');
    expect(r.responseSnippet).toBe('x'.repeat(100));
  });

  it('the default snippet cap is 1024 bytes', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end('y'.repeat(3000)));
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r.responseSnippet).toBe('y'.repeat(1024));
  });

  it.each([500, 400, 404, 429, 502])('%d is a failed attempt, with the status and the snippet', async (status) => {
    const srv = await serve((_req, res) => res.writeHead(status).end('broken'));
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'failed', status, error: `HTTP ${status}`, responseSnippet: 'broken' });
  });

  it('410 is gone', async () => {
    const srv = await serve((_req, res) => res.writeHead(410).end('bye'));
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'gone', status: 410, error: 'HTTP 410 Gone', responseSnippet: 'bye' });
  });

  it.each([301, 302, 303, 307, 308])('%d is a failure and the Location is not requested', async (status) => {
    const target = await serve((_req, res) => res.writeHead(200).end('followed'));
    const srv = await serve((_req, res) => res.writeHead(status, { location: target.url('/elsewhere') }).end());
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('failed');
    expect(r.status).toBe(status);
    expect(r.error).toBe(`HTTP ${status} (redirects are not followed)`);
    expect(srv.received).toHaveLength(1);
    expect(target.hits).toHaveLength(0);
  });
});

describe('createHttpSender: Retry-After', () => {
  it('reads delay-seconds', async () => {
    const srv = await serve((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'failed', status: 429, retryAfterMs: 7000 });
  });

  it('reads an HTTP date', async () => {
    const srv = await serve((_req, res) => res.writeHead(503, { 'retry-after': new Date(Date.now() + 120_000).toUTCString() }).end());
    const r = await sender().send(srv.url(), BODY, HEADERS);
    expect(r.status).toBe(503);
    // The date has whole seconds and the clock moves on: generous bounds.
    expect(r.retryAfterMs).toBeGreaterThan(100_000);
    expect(r.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('is null when the answer has none or an unreadable one', async () => {
    const none = await serve((_req, res) => res.writeHead(503).end());
    expect((await sender().send(none.url(), BODY, HEADERS)).retryAfterMs).toBeNull();
    const garbage = await serve((_req, res) => res.writeHead(429, { 'retry-after': 'soon' }).end());
    expect((await sender().send(garbage.url(), BODY, HEADERS)).retryAfterMs).toBeNull();
  });
});

describe('createHttpSender: no answer, no connection', () => {
  it('a server that never answers is a timeout within timeoutMs', async () => {
    const srv = await serve(() => undefined);
    const started = Date.now();
    const r = await sender({ timeoutMs: 300 }).send(srv.url(), BODY, HEADERS);
    const elapsed = Date.now() - started;
    expect(r).toMatchObject({ outcome: 'timeout', status: null, error: 'no answer within 300 ms', responseSnippet: null, retryAfterMs: null });
    expect(srv.hits).toHaveLength(1);
    expect(r.latencyMs).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5000);
  });

  it('a 2xx whose body never ends is a timeout too (success is a complete answer)', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const started = Date.now();
    const r = await sender({ timeoutMs: 300 }).send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a refused connection is a network failure', async () => {
    const port = await closedPort();
    const r = await sender().send(`http://127.0.0.1:${port}/hook`, BODY, HEADERS);
    expect(r.outcome).toBe('network');
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/ECONNREFUSED/);
  });
});

describe('createHttpSender: destinations', () => {
  it('refuses 127.0.0.1 without allowPrivate, and nothing reaches the server', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end());
    const r = await sender({ destinations: { allowPrivate: false, allowHttp: true } }).send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('refused');
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/127\.0\.0\.1.*loopback/);
    expect(srv.hits).toHaveLength(0);
  });

  it('refuses plain http without allowHttp, and nothing reaches the server', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end());
    const r = await sender({ destinations: { allowPrivate: true, allowHttp: false } }).send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('refused');
    expect(r.error).toMatch(/https/);
    expect(srv.hits).toHaveLength(0);
  });

  it('refuses a hostname that resolves to a private address', async () => {
    const asked: string[] = [];
    const resolve: Resolve = async (host) => {
      asked.push(host);
      return ['10.0.0.1'];
    };
    const r = await sender({ destinations: { allowPrivate: false, allowHttp: true }, resolve }).send('http://hooks.example.test/in', BODY, HEADERS);
    expect(r.outcome).toBe('refused');
    expect(r.error).toMatch(/10\.0\.0\.1/);
    expect(asked).toContain('hooks.example.test');
  });

  it('connects to the address the injected resolver answers for a hostname', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end('via name'));
    const resolve: Resolve = async (host) => (host === 'receiver.test' ? ['127.0.0.1'] : []);
    const r = await sender({ resolve }).send(`http://receiver.test:${srv.port}/in`, BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'succeeded', responseSnippet: 'via name' });
    expect(srv.received[0]?.headers.host).toBe(`receiver.test:${srv.port}`);
  });

  it('refuses at connect time a name that rebinds to a private address after the check', async () => {
    const srv = await serve((_req, res) => res.writeHead(200).end());
    let calls = 0;
    // First answer (the URL check): a public address; every later one (the connection): loopback.
    const resolve: Resolve = async () => (++calls === 1 ? ['93.184.215.14'] : ['127.0.0.1']);
    const r = await sender({ destinations: { allowPrivate: false, allowHttp: true }, resolve }).send(`http://rebind.test:${srv.port}/in`, BODY, HEADERS);
    expect(r.outcome).toBe('refused');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(srv.hits).toHaveLength(0);
  });
});

describe('createHttpSender: large answers', () => {
  it('a 1 MB body does not hang, the snippet stays capped, and the sender keeps working', async () => {
    const big = 'z'.repeat(1024 * 1024);
    const srv = await serve((_req, res, body) => {
      if (body === 'small') res.writeHead(200).end('ok');
      else res.writeHead(200, { 'content-length': String(big.length) }).end(big);
    });
    const s = sender({ snippetBytes: 256, timeoutMs: 10_000 });
    const started = Date.now();
    const r = await s.send(srv.url(), BODY, HEADERS);
    expect(r.outcome).toBe('succeeded');
    expect(r.responseSnippet).toBe('z'.repeat(256));
    expect(Date.now() - started).toBeLessThan(9000);
    const again = await s.send(srv.url(), 'small', HEADERS);
    expect(again).toMatchObject({ outcome: 'succeeded', responseSnippet: 'ok' });
  });

  it('a 1 MB chunked error body is a failure with a capped snippet', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(500);
      for (let i = 0; i < 16; i++) res.write('e'.repeat(64 * 1024));
      res.end();
    });
    const r = await sender({ snippetBytes: 64, timeoutMs: 10_000 }).send(srv.url(), BODY, HEADERS);
    expect(r).toMatchObject({ outcome: 'failed', status: 500, responseSnippet: 'e'.repeat(64) });
  });
});
