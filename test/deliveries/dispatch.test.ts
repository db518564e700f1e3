import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookId, webhookId } from '@hookstream/deliveries';
import { startDeliveryFleet, type DeliveryFleet } from '../support/delivery-fleet.js';
import { startReceiver, type Received, type Receiver } from '../support/receiver.js';
import { waitUntil } from '../support/wait.js';

/**
 * The dispatcher on the real broker and database, delivering to real HTTP receivers: what is
 * sent, how it is signed, what a failure does, and what the delivery log records.
 */
describe('outbound deliveries', () => {
  let f: DeliveryFleet;
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
    f = await startDeliveryFleet({ replicas: 2 });
  });
  afterAll(async () => {
    await f?.stop();
    await rx?.close();
  });

  const bodyOf = (r: Received): Record<string, unknown> => JSON.parse(r.body) as Record<string, unknown>;
  const arrived = (path: string, n: number): Promise<Received[]> =>
    waitUntil(`${n} deliveries on ${path}`, async () => {
      const got = rx.on(path);
      return got.length >= n ? got : undefined;
    });

  it('posts each stored event to a matching endpoint with the documented body and Standard Webhooks signature', async () => {
    const { endpoint, secret } = await f.endpoint({ url: rx.url('/basic') });
    const ids = await f.store([
      { type: 'order.created', raw: { order: 1, total: '9.50' } },
      { type: 'order.paid', raw: { order: 1 } },
    ]);
    const got = await arrived('/basic', 2);
    const verifier = new Webhook(secret);
    for (const [i, r] of got.entries()) {
      expect(r.headers['content-type']).toBe('application/json');
      const verified = verifier.verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }) as Record<string, unknown>;
      expect(verified).toEqual(bodyOf(r));
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
      expect(parseWebhookId(String(r.headers['webhook-id']))).toEqual({ eventId: Number(bodyOf(r).id), endpointId: endpoint.id });
      expect(i).toBeLessThan(2);
    }
    const bodies = got.map(bodyOf).sort((a, b) => Number(a.id) - Number(b.id));
    expect(bodies[0]).toEqual({
      id: String(ids[0]),
      provider: 'sources',
      source: 'orders',
      type: 'order.created',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { order: 1, total: '9.50' },
    });
    const log = await waitUntil('both deliveries recorded', async () => {
      const rows = await f.deliveries.listByEndpoint(endpoint.id, { limit: 10 });
      return rows.length === 2 && rows.every((d) => d.state === 'succeeded') ? rows : undefined;
    });
    expect(log.map((d) => d.eventId)).toEqual([ids[1], ids[0]]);
    const attempts = await f.deliveries.attempts(log);
    expect(attempts.map((a) => [a.outcome, a.status, a.attempt])).toEqual([
      ['succeeded', 200, 1],
      ['succeeded', 200, 1],
    ]);
    expect(attempts[0]?.responseSnippet).toBe('ok');
  });

  it('delivers only what an endpoint filter matches: providers, types with a prefix, values at a path', async () => {
    const paid = await f.endpoint({ url: rx.url('/paid'), filter: { match: { 'data.status': 'paid' } } });
    const shipping = await f.endpoint({ url: rx.url('/shipping'), filter: { types: ['shipment.*'], sources: ['orders'] } });
    const [a, b, c, d] = await f.store([
      { type: 'order.updated', raw: { status: 'paid' } },
      { type: 'order.updated', raw: { status: 'open' } },
      { type: 'shipment.sent', raw: { status: 'paid' } },
      { type: 'shipment.sent', source: 'other' },
    ]);
    await waitUntil('filtered deliveries recorded', async () => {
      const [p, s] = await Promise.all([
        f.deliveries.listByEndpoint(paid.endpoint.id, { limit: 10 }),
        f.deliveries.listByEndpoint(shipping.endpoint.id, { limit: 10 }),
      ]);
      return p.length === 2 && s.length === 1 && [...p, ...s].every((x) => x.state === 'succeeded');
    });
    expect(
      rx
        .on('/paid')
        .map((r) => bodyOf(r).id)
        .sort(),
    ).toEqual([String(a), String(c)].sort());
    expect(rx.on('/shipping').map((r) => bodyOf(r).id)).toEqual([String(c)]);
    expect([b, d].every((id) => id !== undefined)).toBe(true);
  });

  it('does not deliver events stored before the endpoint existed', async () => {
    const [before] = await f.store([{ type: 'order.created' }]);
    const { endpoint } = await f.endpoint({ url: rx.url('/late') });
    const [after] = await f.store([{ type: 'order.created' }]);
    const got = await arrived('/late', 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.on('/late').map((r) => bodyOf(r).id)).toEqual([String(after)]);
    expect(await f.deliveries.get(endpoint.id, before as number)).toBeNull();
    expect(got).toHaveLength(1);
  });

  it('retries a 500 with the same webhook-id until a 2xx, and logs every attempt', async () => {
    rx.behave('/flaky', (_r, n) => (n <= 2 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { endpoint } = await f.endpoint({ url: rx.url('/flaky') });
    const [id] = await f.store([{}]);
    const got = await arrived('/flaky', 3);
    expect(new Set(got.map((r) => r.headers['webhook-id']))).toEqual(new Set([webhookId(id as number, endpoint.id)]));
    const d = await waitUntil('the delivery succeeded', async () => {
      const x = await f.deliveries.get(endpoint.id, id as number);
      return x?.state === 'succeeded' ? x : undefined;
    });
    expect(d.attempts).toBe(3);
    const attempts = await f.deliveries.attempts([d]);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status, a.responseSnippet])).toEqual([
      [1, 'failed', 500, 'boom'],
      [2, 'failed', 500, 'boom'],
      [3, 'succeeded', 204, null],
    ]);
    // The schedule's gaps (200 ms, then 400 ms) are kept between attempts.
    expect((got[1] as Received).at - (got[0] as Received).at).toBeGreaterThanOrEqual(180);
    expect((got[2] as Received).at - (got[1] as Received).at).toBeGreaterThanOrEqual(380);
  });

  it('honours Retry-After on a 429 instead of the schedule', async () => {
    rx.behave('/throttled', (_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    await f.endpoint({ url: rx.url('/throttled') });
    await f.store([{}]);
    const got = await arrived('/throttled', 2);
    expect((got[1] as Received).at - (got[0] as Received).at).toBeGreaterThanOrEqual(1900);
  });

  it('dead-letters after the last attempt of the schedule; a manual retry delivers it', async () => {
    let down = true;
    rx.behave('/dead', () => (down ? { status: 500 } : { status: 200 }));
    const { endpoint } = await f.endpoint({ url: rx.url('/dead') });
    const [id] = await f.store([{}]);
    const dead = await waitUntil('the delivery is dead', async () => {
      const x = await f.deliveries.get(endpoint.id, id as number);
      return x?.state === 'dead' ? x : undefined;
    });
    expect(dead.attempts).toBe(4);
    expect(rx.on('/dead')).toHaveLength(4);
    down = false;
    expect(await f.deliveries.retry({ endpointId: endpoint.id, limit: 100 }, Date.now())).toEqual({ retried: 1, lastEventId: id });
    const ok = await waitUntil('the retried delivery succeeded', async () => {
      const x = await f.deliveries.get(endpoint.id, id as number);
      return x?.state === 'succeeded' ? x : undefined;
    });
    expect(ok.attempts).toBe(5);
    expect(new Set(rx.on('/dead').map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('disables an endpoint that answers 410 at once; re-enabling resumes where it stopped', async () => {
    let gone = true;
    rx.behave('/gone', () => (gone ? { status: 410 } : { status: 200 }));
    const { endpoint } = await f.endpoint({ url: rx.url('/gone') });
    const [first] = await f.store([{}]);
    const disabled = await waitUntil('the endpoint is disabled', async () => {
      const e = await f.endpoints.get(endpoint.id);
      return e && !e.enabled ? e : undefined;
    });
    expect(disabled.disabledReason).toMatch(/410/);
    const later = await f.store([{}, {}]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(rx.on('/gone')).toHaveLength(1);
    gone = false;
    await f.endpoints.update(endpoint.id, { enabled: true }, Date.now());
    const got = await arrived('/gone', 4);
    expect(new Set(got.slice(1).map((r) => bodyOf(r).id))).toEqual(new Set([first, ...later].map(String)));
  });

  it('keeps an ordered endpoint in ledger order while it is down and after it comes back', async () => {
    let up = false;
    rx.behave('/ordered', () => (up ? { status: 200 } : { status: 503 }));
    const { endpoint } = await f.endpoint({ url: rx.url('/ordered'), ordered: true });
    const ids = await f.store(Array.from({ length: 20 }, () => ({})));
    await waitUntil('the first attempts failed', async () => rx.on('/ordered').length >= 2);
    // While down, only the head is tried: nothing behind it jumps the queue.
    expect(new Set(rx.on('/ordered').map((r) => bodyOf(r).id))).toEqual(new Set([String(ids[0])]));
    up = true;
    await waitUntil('every event delivered', async () => {
      const rows = await f.deliveries.listByEndpoint(endpoint.id, { limit: 100, states: ['succeeded'] });
      return rows.length === ids.length;
    });
    const firstSeen: string[] = [];
    for (const r of rx.on('/ordered')) {
      const id = String(bodyOf(r).id);
      if (!firstSeen.includes(id)) firstSeen.push(id);
    }
    expect(firstSeen).toEqual(ids.map(String));
  });

  it('signs with both secrets during a rotation, so receivers holding either verify', async () => {
    const { endpoint, secret: oldSecret } = await f.endpoint({ url: rx.url('/rotate') });
    const newSecret = 'whsec_' + Buffer.alloc(24, 7).toString('base64');
    expect(await f.endpoints.rotateSecret(endpoint.id, newSecret, 60_000, Date.now())).toBe(true);
    // The dispatchers re-read endpoints every 200 ms: a send made before the rotation reached the
    // endpoint's owner carries the old signature alone, so events are sent one at a time until one
    // carries two (a loaded machine may take longer than a fixed pause to re-read).
    const r = await waitUntil(
      'a send signed with both secrets',
      async () => {
        const before = rx.on('/rotate').length;
        await f.store([{}]);
        const got = await arrived('/rotate', before + 1);
        const last = got[got.length - 1];
        return String(last?.headers['webhook-signature']).split(' ').length === 2 ? last : undefined;
      },
      30_000,
      200,
    );
    const headers = {
      'webhook-id': String(r?.headers['webhook-id']),
      'webhook-timestamp': String(r?.headers['webhook-timestamp']),
      'webhook-signature': String(r?.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(r?.body ?? '', headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(r?.body ?? '', headers)).not.toThrow();
    expect(() => new Webhook('whsec_' + Buffer.alloc(24, 9).toString('base64')).verify(r?.body ?? '', headers)).toThrow();
  });
});
