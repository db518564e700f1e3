import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_BREVO_API_KEY, startFakeBrevo, type FakeBrevo, type FakeBrevoOptions } from './server.js';

let fake: FakeBrevo | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: FakeBrevoOptions = {}): Promise<FakeBrevo> {
  fake = await startFakeBrevo(opts);
  return fake;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function post(f: FakeBrevo, body: unknown, headers: Record<string, string> = { 'api-key': FAKE_BREVO_API_KEY }): Promise<Answer> {
  const res = await fetch(`${f.url}/v3/smtp/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

const KEY = '2ed6657d-e927-568b-95e1-2665a8aea6a2';
const html = (extra: Record<string, unknown> = {}) => ({
  sender: { email: 'deals@example.com', name: 'Deals' },
  to: [{ email: 'john.doe@example.com', name: 'John Doe' }],
  subject: 'Property details',
  htmlContent: '<p>hi</p>',
  ...extra,
});

describe('fake Brevo POST /v3/smtp/email', () => {
  it('answers 201 with a relay messageId and records the e-mail', async () => {
    const f = await start();
    const r = await post(f, html({ headers: { idempotencyKey: KEY } }));
    expect(r.status).toBe(201);
    expect(r.json.messageId).toMatch(/^<\d{12}\.\d{11}@smtp-relay\.mailin\.fr>$/);
    expect(f.emails).toEqual([
      expect.objectContaining({
        messageId: r.json.messageId,
        to: [{ email: 'john.doe@example.com', name: 'John Doe' }],
        subject: 'Property details',
        idempotencyKey: KEY,
      }),
    ]);
    expect(f.requests).toEqual([{ status: 201, idempotencyKey: KEY, contentType: 'application/json', accept: 'application/json', at: expect.any(Number) }]);
  });

  it('accepts a template with params and no sender (the template has one)', async () => {
    const f = await start();
    const r = await post(f, { to: [{ email: 'a@example.com' }], templateId: 12, params: { city: 'Coastal City' } });
    expect(r.status).toBe(201);
    expect(f.emails[0]).toMatchObject({ templateId: 12, params: { city: 'Coastal City' } });
  });

  it('answers the two documented 401 bodies', async () => {
    const f = await start();
    expect(await post(f, html(), {})).toMatchObject({ status: 401, json: { message: 'authentication not found in headers', code: 'unauthorized' } });
    expect(await post(f, html(), { 'api-key': 'xkeysib-wrong' })).toMatchObject({ status: 401, json: { message: 'Key not found', code: 'unauthorized' } });
    expect(f.emails).toHaveLength(0);
  });

  it.each([
    ['no sender', { ...html(), sender: undefined }, 'missing_parameter'],
    ['a bad sender', html({ sender: { email: 'nope' } }), 'invalid_parameter'],
    ['no to', { ...html(), to: undefined }, 'missing_parameter'],
    ['an empty to', html({ to: [] }), 'invalid_parameter'],
    ['a bad recipient', html({ to: [{ email: 'john' }] }), 'invalid_parameter'],
    ['no subject', { ...html(), subject: undefined }, 'missing_parameter'],
    ['no content', { ...html(), htmlContent: undefined }, 'missing_parameter'],
    ['a bad templateId', { to: [{ email: 'a@example.com' }], templateId: 'x' }, 'invalid_parameter'],
    ['a non-UUID idempotency key', html({ headers: { idempotencyKey: 'abc-123' } }), 'invalid_parameter'],
  ])('answers 400 to %s', async (_name, body, code) => {
    const f = await start();
    const r = await post(f, body);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ code, message: expect.any(String) });
    expect(f.emails).toHaveLength(0);
  });

  it('answers 400 bad_request to a body that is not JSON', async () => {
    const f = await start();
    expect(await post(f, '{"to":')).toMatchObject({ status: 400, json: { code: 'bad_request' } });
  });
});

describe('fake Brevo idempotency [unconfirmed: what Brevo answers to a repeat]', () => {
  it('sends a repeated key once within 30 minutes and answers the same messageId', async () => {
    let clock = 1_800_000_000_000;
    const f = await start({ now: () => clock });
    const first = await post(f, html({ headers: { idempotencyKey: KEY } }));
    clock += 29 * 60_000;
    const again = await post(f, html({ headers: { 'Idempotency-Key': KEY } }));
    expect(again).toMatchObject({ status: 201, json: { messageId: first.json.messageId } });
    expect(f.emails).toHaveLength(1);
    expect(f.requests[1]).toMatchObject({ status: 201, duplicate: true });
    clock += 2 * 60_000;
    const later = await post(f, html({ headers: { idempotencyKey: KEY } }));
    expect(later.json.messageId).not.toBe(first.json.messageId);
    expect(f.emails).toHaveLength(2);
  });

  it('can answer 400 duplicate_request instead', async () => {
    const f = await start({ onDuplicate: 'duplicate-request' });
    await post(f, html({ headers: { idempotencyKey: KEY } }));
    expect(await post(f, html({ headers: { idempotencyKey: KEY } }))).toMatchObject({ status: 400, json: { code: 'duplicate_request' } });
    expect(f.emails).toHaveLength(1);
  });
});

describe('fake Brevo faults', () => {
  it('rate-limits with x-sib-ratelimit-* headers and admits again after the reset', async () => {
    let clock = 1_800_000_000_000;
    const f = await start({ now: () => clock, rateLimit: { max: 2, windowMs: 10_000 } });
    const ok = await post(f, html());
    expect(ok.headers.get('x-sib-ratelimit-limit')).toBe('2');
    expect(ok.headers.get('x-sib-ratelimit-remaining')).toBe('1');
    await post(f, html());
    clock += 2_500;
    const limited = await post(f, html());
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ code: 'too_many_requests', message: expect.any(String) });
    expect(limited.headers.get('x-sib-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-sib-ratelimit-reset')).toBe('8');
    clock += 8_000;
    expect((await post(f, html())).status).toBe(201);
    expect(f.emails).toHaveLength(3);
  });

  it('answers 503 while down, scripted 5xx next, and 201 again once up', async () => {
    const f = await start();
    f.down();
    expect((await post(f, html())).status).toBe(503);
    f.up();
    f.failNext(2, 502);
    expect((await post(f, html())).status).toBe(502);
    expect((await post(f, html())).status).toBe(502);
    expect((await post(f, html())).status).toBe(201);
    expect(f.emails).toHaveLength(1);
  });

  it('answers late in slow mode', async () => {
    const f = await start();
    f.slow(300);
    const started = performance.now();
    expect((await post(f, html())).status).toBe(201);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('records a send when it arrives, before a slow answer', async () => {
    const f = await start();
    f.slow(60_000);
    const pending = post(f, html({ headers: { idempotencyKey: KEY } })).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
    expect(f.arrivals).toEqual([{ at: expect.any(Number), idempotencyKey: KEY }]);
    expect(f.requests).toEqual([]);
    expect(f.emails).toEqual([]);
    await f.close();
    fake = undefined;
    await pending;
  });

  it('closes at once while a slow answer is pending', async () => {
    const f = await start();
    f.slow(60_000);
    const pending = post(f, html()).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await f.close();
    fake = undefined;
    await pending;
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
