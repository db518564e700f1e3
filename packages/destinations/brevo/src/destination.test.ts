import { createHttpSender, type DeliveryItem, type DestinationContext, type Endpoint, type ItemResult, type Sender } from '@hookstream/deliveries';
import { endpointRow } from '@hookstream/deliveries/testing';
import { startFakeBrevo, type FakeBrevo, type FakeBrevoOptions } from '@hookstream/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrevoDestination, idempotencyKeyOf } from './destination.js';
import type { BrevoSettings } from './settings.js';
import { committedDeal } from './test-deal.js';

const API_KEY = 'xkeysib-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-Secret42';
const cleanups: Array<() => Promise<void>> = [];
/** Every result any test saw: none may quote the API key. */
const seen: ItemResult[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeBrevo(opts: FakeBrevoOptions = {}): Promise<FakeBrevo> {
  const f = await startFakeBrevo({ apiKey: API_KEY, ...opts });
  cleanups.push(() => f.close());
  return f;
}

function httpSender(timeoutMs = 5_000): Sender {
  const s = createHttpSender({ destinations: { allowPrivate: true, allowHttp: true }, timeoutMs });
  cleanups.push(() => s.close());
  return s;
}

const endpoint = (destination: Record<string, unknown> | null = null): Endpoint =>
  endpointRow({ id: 'ep_brevo', kind: 'brevo', url: 'brevo:', description: 'Committed → e-mail', destination, origin: 'rules' });

const item = (raw: unknown = committedDeal(), deliveryId = 'msg_ep_brevo_1', attempt = 1): DeliveryItem => ({
  eventId: 1,
  deliveryId,
  attempt,
  event: { id: 1, provider: 'crm', source: 'crm', type: 'deal_updated', occurredAt: 0, receivedAt: 0, raw },
});

interface Setup {
  url: string;
  apiKey?: string;
  senderEmail?: string;
  destination?: Record<string, unknown> | null;
  timeoutMs?: number;
  templateId?: number;
}

function setup(s: Setup) {
  const settings: BrevoSettings = {
    BREVO_API_URL: s.url,
    BREVO_API_KEY: s.apiKey ?? API_KEY,
    BREVO_SENDER_EMAIL: s.senderEmail ?? 'deals@example.com',
    BREVO_SENDER_NAME: 'Deals',
    BREVO_TEMPLATE_ID: s.templateId,
  };
  const ctx: DestinationContext = { endpoint: endpoint(s.destination ?? null), signer: null, sender: httpSender(s.timeoutMs), now: Date.now };
  const destination = createBrevoDestination(settings);
  return {
    destination,
    send: async (i: DeliveryItem = item()): Promise<ItemResult> => {
      const [r] = await destination.send([i], ctx);
      if (r === undefined) throw new Error('no result');
      seen.push(r);
      return r;
    },
  };
}

describe('Brevo destination', () => {
  it('is a one-item destination of kind brevo that validates its settings', () => {
    const { destination } = setup({ url: 'http://127.0.0.1:9' });
    expect(destination).toMatchObject({ kind: 'brevo', maxBatch: 1 });
    expect(() => destination.validate?.({ templateId: 3 })).not.toThrow();
    expect(() => destination.validate?.({ templateId: 'three' })).toThrow(expect.objectContaining({ code: 'invalid_destination', httpStatus: 422 }));
  });

  it('POSTs the built-in e-mail to /v3/smtp/email and keeps the 201 messageId', async () => {
    const f = await fakeBrevo();
    const r = await setup({ url: f.url }).send();
    expect(f.emails).toHaveLength(1);
    const email = f.emails[0];
    expect(r).toMatchObject({ outcome: 'succeeded', status: 201, error: null, externalId: email?.messageId });
    expect(r.externalId).toMatch(/@smtp-relay\.mailin\.fr>$/);
    const key = idempotencyKeyOf('msg_ep_brevo_1');
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(email).toMatchObject({
      sender: { email: 'deals@example.com', name: 'Deals' },
      to: [{ email: 'john.doe@example.com', name: 'John Doe' }],
      subject: 'Property details: The Grand Cypress Acquisition',
      headers: { idempotencyKey: key, 'Idempotency-Key': key },
      idempotencyKey: key,
    });
    expect(email?.htmlContent).toContain('4509 Ocean View Dr, Suite 200');
    expect(f.requests[0]).toMatchObject({ contentType: 'application/json', accept: 'application/json' });
  });

  it('sends the rule’s template with params instead of HTML', async () => {
    const f = await fakeBrevo();
    await setup({ url: f.url, destination: { templateId: 17 }, templateId: 4 }).send();
    expect(f.emails[0]).toMatchObject({
      templateId: 17,
      params: { dealName: 'The Grand Cypress Acquisition', address: '4509 Ocean View Dr, Suite 200', squareFootage: 15000 },
    });
    expect(f.emails[0]?.htmlContent).toBeUndefined();
  });

  it('escapes a property address containing <script> in the built-in e-mail', async () => {
    const f = await fakeBrevo();
    await setup({ url: f.url }).send(item(committedDeal({ address: '<script>alert(1)</script>' })));
    expect(f.emails[0]?.htmlContent).not.toContain('<script>');
    expect(f.emails[0]?.htmlContent).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('sends a redelivery (same deliveryId) once: Brevo answers the first messageId', async () => {
    const f = await fakeBrevo();
    const { send } = setup({ url: f.url });
    const first = await send(item(committedDeal(), 'msg_same', 1));
    const again = await send(item(committedDeal(), 'msg_same', 2));
    expect(f.emails).toHaveLength(1);
    expect(again).toMatchObject({ outcome: 'succeeded', externalId: first.externalId });
    await send(item(committedDeal(), 'msg_other'));
    expect(f.emails).toHaveLength(2);
  });

  it('takes 400 duplicate_request as sent: only an earlier attempt of this delivery can have used its key', async () => {
    const f = await fakeBrevo({ onDuplicate: 'duplicate-request' });
    const { send } = setup({ url: f.url });
    await send(item(committedDeal(), 'msg_dup', 1));
    expect(await send(item(committedDeal(), 'msg_dup', 2))).toMatchObject({ outcome: 'succeeded', status: 400, error: null });
    expect(f.emails).toHaveLength(1);
  });

  it('refuses locally, and for good, a deal without a valid customer e-mail; the address is not in the error', async () => {
    const f = await fakeBrevo();
    const { send } = setup({ url: f.url });
    for (const email of [undefined, '', 'john.doe', 'john doe@example.com']) {
      const r = await send(item(committedDeal({}, { email })));
      expect(r).toMatchObject({ outcome: 'refused', status: null, final: true });
      expect(r.error).toMatch(/customer e-mail/);
      if (email) expect(r.error).not.toContain(email);
    }
    expect(await send(item({ not: 'a deal' }))).toMatchObject({ outcome: 'refused', final: true });
    expect(f.requests).toHaveLength(0);
  });

  it('refuses instead of throwing when the endpoint’s settings went bad', async () => {
    const f = await fakeBrevo();
    expect(await setup({ url: f.url, destination: { templateId: -2 } }).send()).toMatchObject({
      outcome: 'refused',
      final: true,
      error: expect.stringMatching(/templateId/),
    });
  });

  it('treats 401 as final, with Brevo’s code and message', async () => {
    const f = await fakeBrevo();
    const r = await setup({ url: f.url, apiKey: `${API_KEY}-rotated-away` }).send();
    expect(r).toMatchObject({ outcome: 'failed', status: 401, final: true, error: 'HTTP 401 unauthorized: Key not found' });
  });

  it('treats 400 as final, with Brevo’s code and message', async () => {
    const f = await fakeBrevo();
    const r = await setup({ url: f.url, senderEmail: 'not-an-address' }).send();
    expect(r).toMatchObject({ outcome: 'failed', status: 400, final: true, error: 'HTTP 400 invalid_parameter: valid sender email required' });
  });

  it('retries a 429 after x-sib-ratelimit-reset seconds', async () => {
    const f = await fakeBrevo({ rateLimit: { max: 1, windowMs: 60_000 } });
    const { send } = setup({ url: f.url });
    await send(item(committedDeal(), 'msg_a'));
    const r = await send(item(committedDeal(), 'msg_b'));
    expect(r).toMatchObject({ outcome: 'failed', status: 429, retryAfterMs: 60_000 });
    expect(r.final).toBeUndefined();
    expect(r.error).toMatch(/^HTTP 429 too_many_requests: /);
    expect(f.emails).toHaveLength(1);
  });

  it('retries 5xx answers', async () => {
    const f = await fakeBrevo();
    const { send } = setup({ url: f.url });
    f.down();
    expect(await send()).toMatchObject({ outcome: 'failed', status: 503 });
    f.up();
    f.failNext(1, 500);
    const r = await send();
    expect(r).toMatchObject({ outcome: 'failed', status: 500 });
    expect(r.final).toBeUndefined();
    expect(await send()).toMatchObject({ outcome: 'succeeded', status: 201 });
  });

  it('retries a timeout; the late answer still goes out once, and the retry is deduplicated by its key', async () => {
    const f = await fakeBrevo();
    const { send } = setup({ url: f.url, timeoutMs: 200 });
    f.slow(600);
    const r = await send(item(committedDeal(), 'msg_slow', 1));
    expect(r).toMatchObject({ outcome: 'timeout', status: null });
    expect(r.final).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    f.up();
    expect(await send(item(committedDeal(), 'msg_slow', 2))).toMatchObject({ outcome: 'succeeded', externalId: f.emails[0]?.messageId });
    expect(f.emails).toHaveLength(1);
  });

  it('retries when Brevo cannot be reached', async () => {
    const f = await fakeBrevo();
    const url = f.url;
    await f.close();
    const r = await setup({ url }).send();
    expect(r).toMatchObject({ outcome: 'network', status: null });
    expect(r.final).toBeUndefined();
  });

  it('never puts the API key in a result', () => {
    expect(seen.length).toBeGreaterThan(10);
    for (const r of seen) expect(JSON.stringify(r)).not.toContain(API_KEY);
  });
});
