import { afterEach, describe, expect, it } from 'vitest';
import {
  createBatchReadClient,
  HubSpotApiError,
  HubSpotAuthError,
  HubSpotBadRequestError,
  HubSpotNoTokenError,
  HubSpotRateLimitedError,
  HubSpotUnavailableError,
  type BatchReadClientOptions,
} from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { startFakeHubSpot, type FakeHubSpot, type FakeHubSpotOptions } from './server.js';

const TOKEN = 'pat-na1-secret-token-value';
const PORTAL = 62515;

let fake: FakeHubSpot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A clock that only moves when the client sleeps, shared with the fake's rate window. */
function fakeTime() {
  const clock = { t: 1_700_000_000_000, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
}

async function setup(fakeOpts: FakeHubSpotOptions = {}, clientOpts: Partial<BatchReadClientOptions> = {}) {
  const time = fakeTime();
  const logLines: string[] = [];
  const f = await startFakeHubSpot({ tokens: new Map([[PORTAL, TOKEN]]), now: time.now, ...fakeOpts });
  fake = f;
  const client = createBatchReadClient({
    baseUrl: f.url,
    tokenFor: (portalId) => (portalId === PORTAL ? TOKEN : undefined),
    log: createLogger({ name: 'test', level: 'debug', destination: { write: (s: string) => void logLines.push(s) } }),
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    ...clientOpts,
  });
  return { f, client, clock: time.clock, logLines };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => String(from + i));

describe('batch-read client against the fake HubSpot', () => {
  it('chunks 250 ids into 3 calls of at most 100 and collects every object', async () => {
    const { f, client } = await setup();
    for (const id of range(250)) f.upsertObject(PORTAL, 'contact', { id, properties: { firstname: `n${id}` } });
    const res = await client.read({ portalId: PORTAL, objectType: 'contact', ids: range(250), properties: ['firstname'] });
    expect(f.calls.map((c) => c.ids.length).sort((a, b) => a - b)).toEqual([50, 100, 100]);
    expect(new Set(f.calls.flatMap((c) => c.ids)).size).toBe(250);
    expect(f.calls.every((c) => c.portalId === PORTAL && c.objectType === 'contact' && c.properties[0] === 'firstname')).toBe(true);
    expect(res.found.size).toBe(250);
    expect(res.notFound.size).toBe(0);
    expect(res.found.get('250')?.properties.firstname).toBe('n250');
    expect(client.stats).toEqual({ calls: 3, retries: 0 });
  });

  it('deduplicates ids before calling', async () => {
    const { f, client } = await setup();
    f.upsertObject(PORTAL, 'deal', { id: '267448862446', properties: {} });
    const res = await client.read({ portalId: PORTAL, objectType: 'deal', ids: ['267448862446', '267448862446', ''], properties: [] });
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.ids).toEqual(['267448862446']);
    expect([...res.found.keys()]).toEqual(['267448862446']);
  });

  it('makes no call for an empty id list', async () => {
    const { f, client } = await setup();
    const res = await client.read({ portalId: PORTAL, objectType: 'contact', ids: [], properties: [] });
    expect(res.found.size + res.notFound.size).toBe(0);
    expect(f.calls).toHaveLength(0);
  });

  it('splits a 207 into found and not found (deleted and never existing)', async () => {
    const { f, client } = await setup();
    f.upsertObject(PORTAL, '2-123', { id: 1, properties: { name: 'kept' } });
    f.upsertObject(PORTAL, '2-123', { id: 2, properties: {} });
    f.deleteObject(PORTAL, '2-123', 2);
    const res = await client.read({ portalId: PORTAL, objectType: '2-123', ids: ['1', '2', '3'], properties: ['name'] });
    expect([...res.found.keys()]).toEqual(['1']);
    expect(res.found.get('1')).toMatchObject({ id: '1', properties: { name: 'kept', hs_object_id: '1' }, archived: false });
    expect([...res.notFound].sort()).toEqual(['2', '3']);
  });

  it('reports every id as not found when none exists', async () => {
    const { client } = await setup();
    const res = await client.read({ portalId: PORTAL, objectType: 'company', ids: ['7', '8'], properties: [] });
    expect(res.found.size).toBe(0);
    expect([...res.notFound].sort()).toEqual(['7', '8']);
  });

  it('waits for the rate window after a TEN_SECONDLY_ROLLING 429, then succeeds', async () => {
    const { f, client, clock } = await setup();
    f.upsertObject(PORTAL, 'contact', { id: 1, properties: {} });
    f.failNext(1, { status: 429, policyName: 'TEN_SECONDLY_ROLLING' });
    const res = await client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] });
    expect(res.found.has('1')).toBe(true);
    expect(f.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(clock.sleeps).toContain(10_000);
    expect(client.stats).toEqual({ calls: 2, retries: 1 });
  });

  it('honours Retry-After on a 429', async () => {
    const { f, client, clock } = await setup();
    f.failNext(1, { status: 429, retryAfterSeconds: 3 });
    await client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] });
    expect(clock.sleeps).toContain(3_000);
    expect(clock.sleeps).not.toContain(10_000);
  });

  it('does not spin on a DAILY limit: throws a retryable error and fails fast afterwards', async () => {
    const { f, client } = await setup();
    f.failNext(1, { status: 429, policyName: 'DAILY' });
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotRateLimitedError);
    const rl = err as HubSpotRateLimitedError;
    expect(rl.retryable).toBe(true);
    expect(rl.code).toBe('HUBSPOT_RATE_LIMITED');
    expect(rl.retryAfterMs).toBeGreaterThan(0);
    expect(rl.retryAfterMs).toBeLessThanOrEqual(15 * 60_000);
    const again = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(again).toBeInstanceOf(HubSpotRateLimitedError);
    expect(f.calls).toHaveLength(1);
  });

  it('gives up on persistent 429 with a rate-limited error once the budget is spent', async () => {
    const { f, client } = await setup({}, { retryBudgetMs: 25_000 });
    f.failAll({ status: 429, policyName: 'TEN_SECONDLY_ROLLING' });
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotRateLimitedError);
    expect((err as HubSpotRateLimitedError).retryAfterMs).toBe(10_000);
    expect(f.calls).toHaveLength(3); // 0 s, 10 s, 20 s; a fourth wait would end at 30 s > 25 s
  });

  it('retries a 5xx and succeeds', async () => {
    const { f, client, clock } = await setup();
    f.upsertObject(PORTAL, 'ticket', { id: 1, properties: {} });
    f.failNext(2, { status: 502 });
    const res = await client.read({ portalId: PORTAL, objectType: 'ticket', ids: ['1'], properties: [] });
    expect(res.found.has('1')).toBe(true);
    expect(f.calls.map((c) => c.status)).toEqual([502, 502, 200]);
    // Exponential: with jitter fixed at the midpoint, 250 ms -> 188, 500 ms -> 375.
    expect(clock.sleeps).toEqual([188, 375]);
  });

  it('throws HubSpotUnavailableError when 5xx outlasts maxRetries', async () => {
    const { f, client } = await setup({}, { maxRetries: 3 });
    f.failAll({ status: 503 });
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotUnavailableError);
    expect(err).toBeInstanceOf(HubSpotApiError);
    expect((err as HubSpotUnavailableError).retryable).toBe(true);
    expect((err as HubSpotUnavailableError).status).toBe(503);
    expect(f.calls).toHaveLength(4);
    expect(client.stats).toEqual({ calls: 4, retries: 3 });
  });

  it('treats a refused connection as unavailable after retries', async () => {
    const { f, client } = await setup({}, { maxRetries: 1 });
    await f.close();
    fake = undefined;
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotUnavailableError);
    expect((err as Error).message).toContain('network error');
    expect(client.stats.calls).toBe(2);
  });

  it('does not retry a 401', async () => {
    const { f, client } = await setup();
    f.failNext(1, { status: 401 });
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotAuthError);
    expect((err as HubSpotAuthError).retryable).toBe(false);
    expect((err as HubSpotAuthError).status).toBe(401);
    expect((err as Error).message).toContain('INVALID_AUTHENTICATION');
    expect(f.calls).toHaveLength(1);
  });

  it('maps a token the fake does not know to HubSpotAuthError, and never logs the token', async () => {
    const { f, client, logLines } = await setup({}, { tokenFor: () => 'wrong-token-value' });
    f.failNext(1, { status: 500 });
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotAuthError);
    expect(logLines.length).toBeGreaterThan(0); // the 500 retry was logged
    expect(logLines.join('\n')).not.toContain('wrong-token-value');
    expect(String((err as Error).message)).not.toContain('wrong-token-value');
  });

  it('throws HubSpotNoTokenError without calling when the portal has no token', async () => {
    const { f, client } = await setup();
    const err = await rejection(client.read({ portalId: 999, objectType: 'contact', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotNoTokenError);
    expect((err as HubSpotNoTokenError).code).toBe('HUBSPOT_NO_TOKEN');
    expect(f.calls).toHaveLength(0);
  });

  it('refuses object types the CRM objects API cannot read', async () => {
    const { f, client } = await setup();
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'conversation', ids: ['1'], properties: [] }));
    expect(err).toBeInstanceOf(HubSpotBadRequestError);
    expect(f.calls).toHaveLength(0);
  });

  it('maps a 400 to HubSpotBadRequestError without retrying', async () => {
    const { f, client } = await setup();
    // A non-string property name slips past the types only through a caller bug; the fake answers 400.
    const err = await rejection(client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [5 as unknown as string] }));
    expect(err).toBeInstanceOf(HubSpotBadRequestError);
    expect((err as HubSpotBadRequestError).status).toBe(400);
    expect(f.calls).toHaveLength(1);
  });

  it('pauses the portal when HubSpot reports no remaining requests in the window', async () => {
    const { f, client, clock } = await setup({ rateLimitMax: 2 });
    const read = () => client.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] });
    await read();
    await read(); // remaining 0 -> pause for the 10 s interval
    expect(clock.sleeps).toEqual([]);
    await read();
    expect(clock.sleeps).toEqual([10_000]);
    expect(f.calls.map((c) => c.status)).toEqual([207, 207, 207]);
  });

  it('keeps to its own per-portal request limit', async () => {
    const { f, client, clock } = await setup({ rateLimitMax: 1000 }, { maxRequestsPer10s: 2, maxConcurrent: 1 });
    await client.read({ portalId: PORTAL, objectType: 'contact', ids: range(300), properties: [] });
    expect(f.calls).toHaveLength(3);
    // The third call had to wait until the first left the 10 s window, plus the margin for
    // the requests' time on the way (HubSpot counts arrivals).
    expect(clock.sleeps).toEqual([10_500]);
  });
});
