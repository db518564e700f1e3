import { createHash, createHmac } from 'node:crypto';
import { createHttpSender, type DeliveryItem, type ItemResult, type Sender } from '@hookstream/deliveries';
import { startFakeMeta, type FakeMeta, type FakeMetaOptions } from '@hookstream/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetaCapiDestination, type MetaDestinationOptions } from './destination.js';
import { MetaSettingsSchema } from './settings.js';
import { dealItem, demoDeal, metaEndpoint } from './testing/deal.js';

// Distinctive, so a leak anywhere in a result is found by a plain substring search.
const TOKEN = 'EAAB-secret-token-0123456789';
const PIXEL = '1234567890';
const NOW = Date.now();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  fake: FakeMeta;
  send(items: DeliveryItem[], destination?: Record<string, unknown>): Promise<ItemResult[]>;
}

async function setup(fakeOpts: FakeMetaOptions = {}, env: Record<string, string> = {}, opts: MetaDestinationOptions = {}, timeoutMs = 2000): Promise<Setup> {
  const fake = await startFakeMeta({ accessToken: TOKEN, pixelId: PIXEL, ...fakeOpts });
  const sender: Sender = createHttpSender({ destinations: { allowPrivate: true, allowHttp: true }, timeoutMs });
  cleanups.push(
    () => fake.close(),
    () => sender.close(),
  );
  const settings = MetaSettingsSchema.parse({ META_GRAPH_URL: fake.url, META_PIXEL_ID: PIXEL, META_ACCESS_TOKEN: TOKEN, ...env });
  const destination = createMetaCapiDestination(settings, opts);
  return {
    fake,
    send: (items, config = { eventName: 'Lead' }) => destination.send(items, { endpoint: metaEndpoint(config), signer: null, sender, now: () => NOW }),
  };
}

/** `n` distinct deals that occurred a minute ago. */
const deals = (n: number, status = 'Qualified'): DeliveryItem[] =>
  Array.from({ length: n }, (_, i) => dealItem(demoDeal({ dealId: `D-${i}`, status, customer: { email: `user${i}@example.com` } }), NOW - 60_000, i + 1));

const noToken = (results: ItemResult[]): void => expect(JSON.stringify(results)).not.toContain(TOKEN);

describe('Meta CAPI destination against the fake', () => {
  it('posts one JSON request to /{version}/{pixel}/events with the documented body', async () => {
    const { fake, send } = await setup({ appSecret: 'app-secret' }, { META_TEST_EVENT_CODE: 'TEST12345', META_APP_SECRET: 'app-secret' });
    const items = [
      dealItem(
        demoDeal({ status: 'Committed', customer: { email: 'John_Smith@gmail.com', phoneNumber: '+1 (650) 555-1212', firstName: 'Mary' } }),
        NOW - 5_000,
      ),
    ];
    const [r] = await send(items, { eventName: 'Purchase', withValue: true });

    expect(r).toMatchObject({ outcome: 'succeeded', status: 200, error: null, externalId: expect.any(String) });
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0];
    expect(call).toMatchObject({ version: 'v26.0', pixelId: PIXEL, encoding: 'json', tokenIn: 'body', testEventCode: 'TEST12345', status: 200, code: null });
    expect(call?.events).toEqual([
      {
        event_name: 'Purchase',
        event_time: Math.floor((NOW - 5_000) / 1000),
        action_source: 'system_generated',
        event_id: 'D-927483-XYZ:Committed',
        user_data: {
          em: ['62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'],
          ph: ['e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'],
          fn: ['6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec'],
          ln: [createHash('sha256').update('7e3b1d92c4a0f6e5b3c4a1d8f7e2c0b9').digest('hex')],
          ct: [createHash('sha256').update('coastalcity').digest('hex')],
          st: [createHash('sha256').update('ca').digest('hex')],
          zp: [createHash('sha256').update('90210').digest('hex')],
          external_id: ['CUST-45678'],
        },
        custom_data: { value: 12500000, currency: 'USD' },
      },
    ]);
    expect(fake.received('D-927483-XYZ:Committed')).toBe(1);
    expect(r?.externalId).toMatch(/^[\w-]+$/);
    noToken([r as ItemResult]);
  });

  it('sends the appsecret_proof Meta expects (the fake refuses a wrong one, request-wide)', async () => {
    const { fake, send } = await setup({ appSecret: 'right' }, { META_APP_SECRET: 'wrong' });
    const results = await send(deals(3));
    expect(fake.calls).toHaveLength(1); // no bisection: the proof is not any event's fault
    expect(results.every((r) => r.final === true && r.error?.includes('appsecret_proof'))).toBe(true);
    const proof = createHmac('sha256', 'wrong').update(TOKEN).digest('hex');
    expect(JSON.stringify(results)).not.toContain(proof);
  });

  it('190 (bad token) is final for every event, with the code and message, and no token', async () => {
    const { fake, send } = await setup();
    fake.setMode({ kind: 'invalidToken' });
    const results = await send(deals(3));
    expect(results).toHaveLength(3);
    for (const r of results)
      expect(r).toMatchObject({ outcome: 'failed', status: 400, final: true, error: expect.stringMatching(/190.*OAuthException.*Session has expired/) });
    noToken(results);
  });

  it('code 100 on a batch of 5 is bisected: only the bad event is final, the 4 others succeed', async () => {
    const { fake, send } = await setup({ rejectEvent: (e) => (e.event_id === 'D-2:Qualified' ? 'custom_data.currency is not a known currency' : null) });
    fake.setMode({ kind: 'slow', ms: 40 });
    const results = await send(deals(5));

    expect(results.map((r) => r.outcome)).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded']);
    expect(results[2]).toMatchObject({ final: true, status: 400, error: expect.stringContaining('Meta Graph error 100') });
    expect(results[2]?.error).toContain('data[0]');
    // [0..4] refused → [0,1,2] refused → [0,1] ok → [2] refused → [3,4] ok.
    expect(fake.calls.map((c) => c.events.length)).toEqual([5, 3, 2, 1, 2]);
    expect(fake.calls[0]?.code).toBe(100);
    for (const id of ['D-0', 'D-1', 'D-3', 'D-4']) expect(fake.received(`${id}:Qualified`)).toBe(1);
    expect(fake.received('D-2:Qualified')).toBe(0);
    // A result's latency is that of every request that decided it: 3 requests for the bad one, 2 for the right half.
    expect(results[2]?.latencyMs).toBeGreaterThanOrEqual(3 * 40);
    expect(results[3]?.latencyMs).toBeGreaterThanOrEqual(2 * 40);
    noToken(results);
  });

  it('stops splitting past its request budget: the undecided events are retried, not dead', async () => {
    const { fake, send } = await setup({ rejectEvent: () => 'every event is bad' }, {}, { maxRequestsPerSend: 4 });
    const results = await send(deals(8));
    expect(fake.calls).toHaveLength(4);
    expect(results.some((r) => r.final === true)).toBe(true);
    const held = results.filter((r) => r.final === false);
    expect(held.length).toBeGreaterThan(0);
    for (const r of held) expect(r.error).toContain('held back');
    expect(results.some((r) => r.outcome === 'succeeded')).toBe(false);
  });

  it('an unknown pixel (100/33) is final for all without bisection', async () => {
    const fake = await startFakeMeta({ accessToken: TOKEN, pixelId: 'other' });
    const sender = createHttpSender({ destinations: { allowPrivate: true, allowHttp: true }, timeoutMs: 2000 });
    cleanups.push(
      () => fake.close(),
      () => sender.close(),
    );
    const d = createMetaCapiDestination(MetaSettingsSchema.parse({ META_GRAPH_URL: fake.url, META_PIXEL_ID: PIXEL, META_ACCESS_TOKEN: TOKEN }));
    const results = await d.send(deals(4), { endpoint: metaEndpoint({ eventName: 'Lead' }), signer: null, sender, now: () => NOW });
    expect(fake.calls).toHaveLength(1);
    expect(results.every((r) => r.final === true && r.error?.includes('100/33'))).toBe(true);
  });

  it.each([
    ['503 (down)', { kind: 'down' } as const, 'failed', 503],
    ['code 2 (temporary)', { kind: 'error', status: 400, code: 2, message: '(#2) Service temporarily unavailable' } as const, 'failed', 400],
    ['code 4 (rate limit)', { kind: 'rateLimit', code: 4 } as const, 'failed', 400],
    ['code 17 (rate limit)', { kind: 'rateLimit', code: 17 } as const, 'failed', 400],
    ['code 1 as HTTP 500', { kind: 'error', status: 500, code: 1 } as const, 'failed', 500],
  ])('%s is retried (not final), then succeeds once Meta is back', async (_name, mode, outcome, status) => {
    const { fake, send } = await setup();
    fake.failNext(1, mode);
    const first = await send(deals(2));
    for (const r of first) expect(r).toMatchObject({ outcome, status, final: false });
    const second = await send(deals(2));
    expect(second.every((r) => r.outcome === 'succeeded')).toBe(true);
    expect(fake.received('D-0:Qualified')).toBe(1);
    noToken([...first, ...second]);
  });

  it('a timeout and a dropped connection are retried', async () => {
    const { fake, send } = await setup({}, {}, {}, 200);
    fake.setMode({ kind: 'slow', ms: 1000 });
    const timedOut = await send(deals(2));
    for (const r of timedOut) expect(r).toMatchObject({ outcome: 'timeout', status: null, final: false });
    fake.setMode({ kind: 'down', how: 'reset' });
    const dropped = await send(deals(2));
    for (const r of dropped) expect(r).toMatchObject({ outcome: 'network', status: null, final: false });
    noToken([...timedOut, ...dropped]);
  });

  it('refuses events older than 7 days locally and sends the rest', async () => {
    const { fake, send } = await setup();
    const old = dealItem(demoDeal({ dealId: 'D-old' }), NOW - 8 * 24 * 3600 * 1000, 99);
    const noStatus = dealItem(demoDeal({ dealId: 'D-nostatus', details: { status: '' } }), NOW, 98);
    const results = await send([old, ...deals(2), noStatus]);
    expect(results[0]).toMatchObject({ outcome: 'refused', final: true, status: null, latencyMs: 0, error: expect.stringContaining('7 days') });
    expect(results[3]).toMatchObject({ outcome: 'refused', final: true, error: expect.stringContaining('dealId') });
    expect(results.slice(1, 3).every((r) => r.outcome === 'succeeded')).toBe(true);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.events).toHaveLength(2);
  });

  it('sends nothing when every event is refused locally, and refuses all on unusable endpoint settings', async () => {
    const { fake, send } = await setup();
    const results = await send([dealItem(demoDeal(), NOW - 30 * 24 * 3600 * 1000)]);
    expect(results[0]?.final).toBe(true);
    const misconfigured = await send(deals(2), { eventName: '' });
    expect(misconfigured.every((r) => r.outcome === 'refused' && r.final === true && r.error?.includes('invalid Meta destination settings'))).toBe(true);
    expect(fake.calls).toHaveLength(0);
  });

  it('batches 1,000 events in one request, and more in requests of up to 1,000', async () => {
    const { fake, send } = await setup();
    const thousand = await send(deals(1000));
    expect(thousand.every((r) => r.outcome === 'succeeded')).toBe(true);
    expect(fake.calls.map((c) => c.events.length)).toEqual([1000]);
    fake.reset();
    const more = await send(deals(1500, 'Committed'));
    expect(more.every((r) => r.outcome === 'succeeded')).toBe(true);
    expect(fake.calls.map((c) => c.events.length)).toEqual([1000, 500]);
    expect(fake.events.size).toBe(1500);
  });

  it('redacts the token even when an answer echoes it', async () => {
    const { fake, send } = await setup({}, { META_APP_SECRET: 'shh-app-secret' });
    fake.failNext(1, {
      kind: 'error',
      status: 400,
      code: 190,
      message: `Malformed access token ${TOKEN} (proof ${createHmac('sha256', 'shh-app-secret').update(TOKEN).digest('hex')})`,
    });
    const results = await send(deals(1));
    expect(results[0]?.error).toContain('[redacted]');
    expect(results[0]?.responseSnippet).toContain('[redacted]');
    noToken(results);
    expect(JSON.stringify(results)).not.toContain(createHmac('sha256', 'shh-app-secret').update(TOKEN).digest('hex'));
  });
});
