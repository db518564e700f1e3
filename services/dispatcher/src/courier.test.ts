import {
  createSigner,
  createWebhookDestination,
  type AttemptResult,
  generateSecret,
  webhookId,
  type DeliverableEvent,
  type DueDelivery,
  type Endpoint,
  type Sender,
  type SendResult,
} from '@hookstream/deliveries';
import { endpointRow } from '@hookstream/deliveries/testing';
import type { DataSource } from '@hookstream/store';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createCourier, type Courier } from './courier.js';
import type { Route } from './routing.js';

const SCHEDULE = [0, 5_000, 300_000] as const;
const SECRET = generateSecret();
const OLD_SECRET = generateSecret();

interface Sent {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** A Sender that records what it was asked to send and answers from a script. */
function fakeSender(answer: Partial<SendResult> = {}): Sender & { sent: Sent[]; answers: SendResult[] } {
  const sent: Sent[] = [];
  const answers: SendResult[] = [];
  return {
    sent,
    answers,
    async send(url, body, headers) {
      sent.push({ url, body, headers });
      const a: SendResult = { outcome: 'succeeded', status: 200, latencyMs: 12, error: null, responseSnippet: 'ok', retryAfterMs: null, ...answer };
      answers.push(a);
      return a;
    },
    close: async () => undefined,
  };
}

/** The courier reads the clock at the start and at the end of an attempt, the webhook destination once between (the signature's timestamp): a clock that moves by `step` per read. */
function steppingClock(start: number, step: number): () => number {
  let t = start - step;
  return () => (t += step);
}

const endpoint = endpointRow;

const route = (secrets: string[] = [SECRET], over: Partial<Endpoint> = {}): Route => ({ endpoint: endpoint(over), signer: createSigner(secrets) });

const event: DeliverableEvent = {
  id: 4242,
  provider: 'hubspot',
  source: 'acme-portal',
  type: 'deal.updated',
  occurredAt: Date.UTC(2024, 4, 1, 12, 0, 0),
  receivedAt: Date.UTC(2024, 4, 1, 12, 0, 1),
  raw: { objectId: 9, stage: 'won' },
};

const due = (over: Partial<DueDelivery> = {}): DueDelivery => ({ eventId: event.id, attempts: 0, roundAttempts: 0, nextAttemptAt: 0, ...over });

// A fixed start near the real clock: the standardwebhooks library checks stamps against it (5 min window).
const T0 = Math.floor(Date.now() / 1000) * 1000 + 250;
const STEP = 40;
const noDataSource = {} as unknown as DataSource;

function courier(sender: Sender, now = steppingClock(T0, STEP)): Courier {
  return createCourier({ dataSource: noDataSource, sender, schedule: SCHEDULE, now, destinations: new Map([['webhook', createWebhookDestination()]]) });
}

/** One delivery's attempt, with what the sender answered for it (null when nothing was sent). */
async function attemptOne(
  c: Courier,
  sender: { answers: SendResult[] },
  r: Route,
  d: DueDelivery,
  e: DeliverableEvent | undefined,
): Promise<{ result: AttemptResult; sent: SendResult | null }> {
  const before = sender.answers.length;
  const [result] = await c.attempt(r, [d], new Map(e ? [[d.eventId, e]] : []));
  if (!result) throw new Error('no result');
  return { result, sent: sender.answers.length > before ? (sender.answers[sender.answers.length - 1] ?? null) : null };
}

describe('courier.attempt: what is sent', () => {
  it('POSTs the delivery body to the endpoint URL with Standard Webhooks headers', async () => {
    const sender = fakeSender();
    await attemptOne(courier(sender), sender, route(), due(), event);
    expect(sender.sent).toHaveLength(1);
    const s = sender.sent[0];
    expect(s?.url).toBe('https://orders.example.com/hook');
    expect(JSON.parse(s?.body ?? '')).toEqual({
      id: '4242',
      provider: 'hubspot',
      source: 'acme-portal',
      type: 'deal.updated',
      occurredAt: '2024-05-01T12:00:00.000Z',
      receivedAt: '2024-05-01T12:00:01.000Z',
      data: { objectId: 9, stage: 'won' },
    });
    expect(s?.headers['webhook-id']).toBe(webhookId(4242, 'ep_orders'));
    expect(s?.headers['webhook-id']).toBe('msg_4242_orders');
    expect(s?.headers['webhook-timestamp']).toBe(String(Math.floor(T0 / 1000)));
  });

  it('the signature verifies with the standardwebhooks library', async () => {
    const sender = fakeSender();
    await attemptOne(courier(sender), sender, route(), due(), event);
    const s = sender.sent[0];
    expect(s).toBeDefined();
    if (!s) return;
    expect(new Webhook(SECRET).verify(s.body, s.headers)).toEqual(JSON.parse(s.body));
    expect(() => new Webhook(generateSecret()).verify(s.body, s.headers)).toThrow();
    expect(() => new Webhook(SECRET).verify(s.body.replace('won', 'lost'), s.headers)).toThrow();
  });

  it('during a rotation, either secret verifies', async () => {
    const sender = fakeSender();
    await attemptOne(courier(sender), sender, route([SECRET, OLD_SECRET]), due(), event);
    const s = sender.sent[0];
    if (!s) throw new Error('nothing sent');
    expect(s.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(SECRET).verify(s.body, s.headers)).not.toThrow();
    expect(() => new Webhook(OLD_SECRET).verify(s.body, s.headers)).not.toThrow();
  });

  it('a retry sends the same webhook-id and body, with a new timestamp', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 500 });
    const c = courier(sender, steppingClock(T0, 3000));
    await attemptOne(c, sender, route(), due(), event);
    await attemptOne(c, sender, route(), due({ attempts: 1, roundAttempts: 1 }), event);
    const [a, b] = sender.sent;
    expect(a?.headers['webhook-id']).toBe(b?.headers['webhook-id']);
    expect(a?.body).toBe(b?.body);
    expect(a?.headers['webhook-timestamp']).not.toBe(b?.headers['webhook-timestamp']);
  });

  it('the webhook-id differs per endpoint for the same event', async () => {
    const sender = fakeSender();
    const c = courier(sender);
    await attemptOne(c, sender, route(), due(), event);
    await attemptOne(c, sender, route([SECRET], { id: 'ep_billing' }), due(), event);
    expect(sender.sent.map((s) => s.headers['webhook-id'])).toEqual(['msg_4242_orders', 'msg_4242_billing']);
  });
});

describe('courier.attempt: what it changes', () => {
  it('a success: succeeded, the attempt logged, counted', async () => {
    const sender = fakeSender({ latencyMs: 33, responseSnippet: 'thanks' });
    const { result, sent } = await attemptOne(courier(sender), sender, route(), due({ attempts: 3, roundAttempts: 1 }), event);
    expect(sent?.outcome).toBe('succeeded');
    expect(result).toEqual({
      attempt: {
        endpointId: 'ep_orders',
        eventId: 4242,
        attempt: 4,
        startedAt: T0,
        latencyMs: 33,
        outcome: 'succeeded',
        status: 200,
        error: null,
        responseSnippet: 'thanks',
        externalId: null,
      },
      state: 'succeeded',
      roundAttempts: 2,
      nextAttemptAt: T0 + 2 * STEP,
    });
  });

  it('410 gone: pending, this attempt not counted in the round', async () => {
    const sender = fakeSender({ outcome: 'gone', status: 410, error: 'HTTP 410 Gone' });
    const { result } = await attemptOne(courier(sender), sender, route(), due({ attempts: 2, roundAttempts: 2 }), event);
    expect(result.state).toBe('pending');
    expect(result.roundAttempts).toBe(2);
    expect(result.nextAttemptAt).toBe(T0 + 2 * STEP);
    expect(result.attempt).toMatchObject({ attempt: 3, outcome: 'gone', status: 410, error: 'HTTP 410 Gone' });
  });

  it('a failure: pending, next attempt after the schedule delay from the end of this one', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 500, error: 'HTTP 500', responseSnippet: 'oops' });
    const first = await attemptOne(courier(sender), sender, route(), due(), event);
    expect(first.result).toMatchObject({ state: 'pending', roundAttempts: 1, nextAttemptAt: T0 + 2 * STEP + 5_000 });
    expect(first.result.attempt).toMatchObject({ attempt: 1, outcome: 'failed', status: 500, error: 'HTTP 500', responseSnippet: 'oops' });
    const second = await attemptOne(courier(sender), sender, route(), due({ attempts: 1, roundAttempts: 1 }), event);
    expect(second.result).toMatchObject({ state: 'pending', roundAttempts: 2, nextAttemptAt: T0 + 2 * STEP + 300_000 });
  });

  it.each([
    ['timeout', null],
    ['network', null],
    ['refused', null],
  ] as const)('a %s is a failure like any other', async (outcome, status) => {
    const sender = fakeSender({ outcome, status, error: 'x', responseSnippet: null });
    const { result } = await attemptOne(courier(sender), sender, route(), due(), event);
    expect(result).toMatchObject({ state: 'pending', roundAttempts: 1, nextAttemptAt: T0 + 2 * STEP + 5_000 });
    expect(result.attempt.outcome).toBe(outcome);
  });

  it('the last failure of the schedule is dead', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 500, error: 'HTTP 500' });
    const { result } = await attemptOne(courier(sender), sender, route(), due({ attempts: 2, roundAttempts: 2 }), event);
    expect(result).toMatchObject({ state: 'dead', roundAttempts: 3, nextAttemptAt: T0 + 2 * STEP });
    expect(result.attempt.attempt).toBe(3);
  });

  it('a manual retry round counts from roundAttempts, not from all attempts', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 500 });
    const { result } = await attemptOne(courier(sender), sender, route(), due({ attempts: 7, roundAttempts: 0 }), event);
    expect(result).toMatchObject({ state: 'pending', roundAttempts: 1, nextAttemptAt: T0 + 2 * STEP + 5_000 });
    expect(result.attempt.attempt).toBe(8);
  });

  it('429 with Retry-After waits what the receiver asked', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 429, retryAfterMs: 90_000 });
    const { result } = await attemptOne(courier(sender), sender, route(), due(), event);
    expect(result).toMatchObject({ state: 'pending', roundAttempts: 1, nextAttemptAt: T0 + 2 * STEP + 90_000 });
  });

  it('Retry-After on a 500 is ignored', async () => {
    const sender = fakeSender({ outcome: 'failed', status: 500, retryAfterMs: 90_000 });
    const { result } = await attemptOne(courier(sender), sender, route(), due(), event);
    expect(result.nextAttemptAt).toBe(T0 + 2 * STEP + 5_000);
  });

  it('a missing event is dead at once, refused, and nothing is sent', async () => {
    const sender = fakeSender();
    const { result, sent } = await attemptOne(courier(sender), sender, route(), due({ attempts: 1, roundAttempts: 1 }), undefined);
    expect(sent).toBeNull();
    expect(sender.sent).toHaveLength(0);
    expect(result).toEqual({
      attempt: {
        endpointId: 'ep_orders',
        eventId: 4242,
        attempt: 2,
        startedAt: T0,
        latencyMs: 0,
        outcome: 'refused',
        status: null,
        error: 'the event is no longer in the ledger',
        responseSnippet: null,
        externalId: null,
      },
      state: 'dead',
      roundAttempts: 2,
      nextAttemptAt: T0 + STEP,
    });
  });

  it('an endpoint without a usable signer is dead at once, refused, and nothing is sent', async () => {
    const sender = fakeSender();
    const { result, sent } = await attemptOne(courier(sender), sender, { endpoint: endpoint(), signer: null }, due(), event);
    expect(sent).toBeNull();
    expect(sender.sent).toHaveLength(0);
    expect(result.state).toBe('dead');
    expect(result.attempt).toMatchObject({ outcome: 'refused', error: 'the endpoint has no usable signing secret', attempt: 1 });
  });

  it('returns what the sender answered', async () => {
    const answer: Partial<SendResult> = { outcome: 'failed', status: 503, latencyMs: 7, error: 'HTTP 503', responseSnippet: 'busy', retryAfterMs: 1000 };
    const sender = fakeSender(answer);
    const { sent } = await attemptOne(courier(sender), sender, route(), due(), event);
    expect(sent).toMatchObject(answer);
  });
});
