import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseParams, readBody, type MetaRequestParams } from './body.js';
import {
  badToken,
  expiredToken,
  fbtraceId,
  graphError,
  invalidParameter,
  rateLimited,
  unavailable,
  unknownPath,
  unknownPixel,
  type FakeAnswer,
} from './graph-errors.js';
import type { FakeMeta, FakeMetaCall, FakeMetaEvent, FakeMetaMode, FakeMetaOptions } from './types.js';
import { dataProblem } from './validate.js';

const EVENTS_PATH = /^\/(v\d+\.\d+)\/([^/]+)\/events$/;

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * A fake Meta Conversions API on 127.0.0.1: `POST /:version/:pixelId/events`, with Graph's
 * shapes for success and errors. It checks the token, the app-secret proof, the pixel and
 * every event, and — like Meta — refuses the whole batch with code 100 when one event is
 * invalid. Accepted events are kept by event_id with a receive count, so a test can assert
 * "at most once / at least once" per event.
 */
export async function startFakeMeta(opts: FakeMetaOptions = {}): Promise<FakeMeta> {
  const token = opts.accessToken ?? 'fake-meta-token';
  const now = opts.now ?? Date.now;
  let mode: FakeMetaMode = { kind: 'ok' };
  const scripted: FakeMetaMode[] = [];
  const calls: FakeMetaCall[] = [];
  const events = new Map<string, FakeMetaEvent>();
  const timers = new Set<NodeJS.Timeout>();

  const accept = (p: MetaRequestParams): FakeAnswer => {
    const data = p.data as Array<Record<string, unknown>>;
    for (const e of data) {
      if (typeof e.event_id !== 'string') continue;
      const seen = events.get(e.event_id);
      if (seen) seen.count += 1;
      else events.set(e.event_id, { eventId: e.event_id, event: e, count: 1, testEventCode: p.testEventCode, firstAt: now() });
    }
    return { status: 200, body: { events_received: data.length, messages: [], fbtrace_id: fbtraceId() } };
  };

  /** Graph's order: path, token, proof, object, then the parameters. */
  const answer = (m: FakeMetaMode, pixelId: string, p: MetaRequestParams): FakeAnswer => {
    if (m.kind === 'down') return unavailable();
    if (m.kind === 'rateLimit') return rateLimited(m.code ?? 4);
    if (m.kind === 'error')
      return graphError(m.status, {
        message: m.message ?? `(#${m.code}) fake error`,
        type: m.type ?? 'OAuthException',
        code: m.code,
        ...(m.subcode === undefined ? {} : { error_subcode: m.subcode }),
      });
    if (p.accessToken === null || !sameSecret(p.accessToken, token)) return badToken();
    if (m.kind === 'invalidToken') return expiredToken();
    if (opts.appSecret !== undefined) {
      const proof = createHmac('sha256', opts.appSecret).update(token).digest('hex');
      if (p.appSecretProof === null || !sameSecret(p.appSecretProof, proof))
        return graphError(400, { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 });
    }
    if (opts.pixelId !== undefined && pixelId !== opts.pixelId) return unknownPixel(pixelId);
    if (p.unreadable !== null) return invalidParameter(p.unreadable);
    const problem = dataProblem(p.data, Math.floor(now() / 1000), opts.rejectEvent);
    if (problem !== null) return invalidParameter(problem.message, problem.subcode, problem.title);
    return accept(p);
  };

  const reply = (res: ServerResponse, a: FakeAnswer): void => {
    res.writeHead(a.status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(a.body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const m = scripted.shift() ?? mode;
    if (m.kind === 'down' && m.how === 'reset') {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const path = EVENTS_PATH.exec(url.pathname);
    if (raw === null) return reply(res, graphError(413, { message: 'Request body too large', type: 'OAuthException', code: 1 }));
    if (path === null || req.method !== 'POST') return reply(res, unknownPath(url.pathname));
    const [, version = '', pixelId = ''] = path;
    const params = await parseParams(String(req.headers['content-type'] ?? ''), raw, url.searchParams);
    const decide = (): void => {
      const a = answer(m.kind === 'slow' ? { kind: 'ok' } : m, pixelId, params);
      const code = (a.body as { error?: { code?: number } }).error?.code ?? null;
      calls.push({
        version,
        pixelId,
        encoding: params.encoding,
        tokenIn: params.tokenIn,
        events: Array.isArray(params.data) ? params.data : [],
        testEventCode: params.testEventCode,
        status: a.status,
        code,
        at: now(),
      });
      reply(res, a);
    };
    if (m.kind !== 'slow') return decide();
    // Decided even when the client gave up meanwhile: a server that has the request processes
    // it, which is exactly how a timed-out send turns into a duplicate.
    const timer = setTimeout(() => {
      timers.delete(timer);
      decide();
    }, m.ms);
    timers.add(timer);
  };

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, graphError(500, { message: 'An unexpected error has occurred.', type: 'OAuthException', code: 1, is_transient: true }));
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken: token,
    setMode(next) {
      mode = next;
    },
    failNext(count, next) {
      for (let i = 0; i < count; i++) scripted.push(next);
    },
    get mode() {
      return mode;
    },
    calls,
    events,
    received: (eventId) => events.get(eventId)?.count ?? 0,
    reset() {
      calls.length = 0;
      events.clear();
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
