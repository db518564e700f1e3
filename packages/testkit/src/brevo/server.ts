import { randomInt } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { createRateLimiter, type FakeBrevoRateLimit } from './rate-limit.js';
import { idempotencyKeyOf, validateEmail, type ValidEmail } from './validate.js';

export const FAKE_BREVO_API_KEY = 'xkeysib-fake-0000000000000000000000000000000000000000000000000000000000000000-FakeBrevo1';

export interface FakeBrevoOptions {
  /** @default 0 (OS-assigned) */
  port?: number;
  host?: '127.0.0.1';
  /** The one key the account has. @default FAKE_BREVO_API_KEY */
  apiKey?: string;
  /** @default 1,000 requests per second, Brevo's documented limit for this endpoint */
  rateLimit?: FakeBrevoRateLimit;
  /** How long a used idempotency key suppresses a repeat. @default 30 min (developers.brevo.com) */
  idempotencyTtlMs?: number;
  /**
   * What a repeated key answers. Brevo does not document it [unconfirmed]: 'same-message-id'
   * (201 with the first send's messageId, nothing sent) or 'duplicate-request' (400
   * `duplicate_request`, a code the SDK lists). @default 'same-message-id'
   */
  onDuplicate?: 'same-message-id' | 'duplicate-request';
  /** Clock for rate windows, the idempotency TTL and timestamps. @default Date.now */
  now?: () => number;
}

/** One e-mail the fake accepted and "sent". */
export interface FakeBrevoEmail extends ValidEmail {
  messageId: string;
  idempotencyKey?: string;
  at: number;
}

/** Every request, whatever it was answered. */
export interface FakeBrevoRequest {
  status: number;
  /** The request's Content-Type and Accept headers (the API key is checked, not kept). */
  contentType?: string;
  accept?: string;
  idempotencyKey?: string;
  /** A repeated idempotency key: answered without sending. */
  duplicate?: boolean;
  at: number;
}

export interface FakeBrevoArrival {
  at: number;
  idempotencyKey?: string;
}

export type FakeBrevoFaultStatus = 500 | 502 | 503 | 504;

export interface FakeBrevo {
  /** Base URL, e.g. http://127.0.0.1:54321: pass as BREVO_API_URL. */
  url: string;
  apiKey: string;
  readonly emails: FakeBrevoEmail[];
  readonly requests: FakeBrevoRequest[];
  /** Every send as it arrived, before any slow() wait: what a client had in flight when it died. */
  readonly arrivals: FakeBrevoArrival[];
  /** Every request answers 503 until up(). */
  down(): void;
  /** Every request waits this long before it is handled, until up(). */
  slow(ms: number): void;
  up(): void;
  /** The next `count` requests answer `status` (before authentication, like a failing proxy). */
  failNext(count: number, status?: FakeBrevoFaultStatus): void;
  rateLimit(limit: FakeBrevoRateLimit): void;
  close(): Promise<void>;
}

const TTL_MS = 30 * 60_000;
const relayStamp = (at: number): string => new Date(at).toISOString().replace(/\D/g, '').slice(0, 12);

export async function startFakeBrevo(opts: FakeBrevoOptions = {}): Promise<FakeBrevo> {
  const apiKey = opts.apiKey ?? FAKE_BREVO_API_KEY;
  const now = opts.now ?? Date.now;
  const ttl = opts.idempotencyTtlMs ?? TTL_MS;
  let limit = opts.rateLimit ?? { max: 1000, windowMs: 1000 };
  let mode: { kind: 'up' } | { kind: 'down' } | { kind: 'slow'; ms: number } = { kind: 'up' };
  const faults: FakeBrevoFaultStatus[] = [];
  const emails: FakeBrevoEmail[] = [];
  const requests: FakeBrevoRequest[] = [];
  const arrivals: FakeBrevoArrival[] = [];
  const seen = new Map<string, { messageId: string; at: number }>();
  const limiter = createRateLimiter(now);
  const waits = new Set<() => void>();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waits.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waits.add(done);
    });

  // Connections are cut on close so a client still waiting on a slow answer does not hold it up.
  const app = Fastify({ forceCloseConnections: true });
  type Extra = Partial<Pick<FakeBrevoRequest, 'idempotencyKey' | 'duplicate'>>;
  const answer = (req: FastifyRequest, reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}, extra: Extra = {}) => {
    const { 'content-type': contentType, accept } = req.headers;
    requests.push({ status, at: now(), ...(contentType ? { contentType } : {}), ...(accept ? { accept } : {}), ...extra });
    return reply.code(status).headers(headers).send(body);
  };

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return answer(req, reply, status, { code: status === 500 ? 'internal_error' : 'bad_request', message: err.message });
  });

  app.post('/v3/smtp/email', async (req, reply) => {
    // Validated on arrival so the arrival has its idempotency key; the answer to a bad body still comes after the checks below.
    const checked = validateEmail(req.body);
    const arrivedKey = checked.ok ? idempotencyKeyOf(checked.email) : undefined;
    arrivals.push({ at: now(), ...(arrivedKey === undefined ? {} : { idempotencyKey: arrivedKey }) });
    if (mode.kind === 'slow') await wait(mode.ms);
    const fault = faults.shift() ?? (mode.kind === 'down' ? 503 : undefined);
    // Brevo's body for an outage is not documented; a JSON {code, message} like its other errors.
    if (fault !== undefined) return answer(req, reply, fault, { code: 'service_unavailable', message: 'The service is temporarily unavailable' });

    const key = req.headers['api-key'];
    if (key === undefined || key === '') return answer(req, reply, 401, { message: 'authentication not found in headers', code: 'unauthorized' });
    if (key !== apiKey) return answer(req, reply, 401, { message: 'Key not found', code: 'unauthorized' });

    const admitted = limiter.admit(String(key), limit);
    if (!admitted.ok) return answer(req, reply, 429, { code: 'too_many_requests', message: 'The expected rate limit is exceeded.' }, admitted.headers);

    if (!checked.ok) return answer(req, reply, 400, checked.error, admitted.headers);
    const email = checked.email;
    const idem = idempotencyKeyOf(email);
    const at = now();
    const before = idem === undefined ? undefined : seen.get(idem);
    if (before !== undefined && at - before.at < ttl) {
      if (opts.onDuplicate === 'duplicate-request')
        return answer(req, reply, 400, { code: 'duplicate_request', message: 'Request with the same idempotency key already processed' }, admitted.headers, {
          idempotencyKey: idem,
          duplicate: true,
        });
      return answer(req, reply, 201, { messageId: before.messageId }, admitted.headers, { idempotencyKey: idem, duplicate: true });
    }

    const messageId = `<${relayStamp(at)}.${randomInt(10_000_000_000, 99_999_999_999)}@smtp-relay.mailin.fr>`;
    if (idem !== undefined) seen.set(idem, { messageId, at });
    emails.push({ ...email, messageId, at, ...(idem === undefined ? {} : { idempotencyKey: idem }) });
    return answer(req, reply, 201, { messageId }, admitted.headers, idem === undefined ? {} : { idempotencyKey: idem });
  });

  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fake Brevo: no TCP address');

  return {
    url: `http://127.0.0.1:${address.port}`,
    apiKey,
    emails,
    requests,
    arrivals,
    down: () => void (mode = { kind: 'down' }),
    slow: (ms) => void (mode = { kind: 'slow', ms }),
    up: () => void (mode = { kind: 'up' }),
    failNext: (count, status = 503) => {
      for (let i = 0; i < count; i++) faults.push(status);
    },
    rateLimit: (next) => void (limit = next),
    close: async () => {
      for (const done of [...waits]) done();
      await app.close();
    },
  };
}
