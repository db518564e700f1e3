import { createHash, createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeMeta } from './server.js';
import type { FakeMeta, FakeMetaOptions } from './types.js';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const NOW_SEC = NOW / 1000;
const hex = (s: string): string => createHash('sha256').update(s).digest('hex');

const fakes: FakeMeta[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function fake(opts: FakeMetaOptions = {}): Promise<FakeMeta> {
  const f = await startFakeMeta({ now: () => NOW, ...opts });
  fakes.push(f);
  return f;
}

const event = (id: string, over: Record<string, unknown> = {}): Record<string, unknown> => ({
  event_name: 'Lead',
  event_time: NOW_SEC - 60,
  action_source: 'system_generated',
  event_id: id,
  user_data: { em: [hex('a@b.co')], external_id: ['CUST-1'] },
  ...over,
});

interface Answer {
  status: number;
  body: {
    events_received?: number;
    fbtrace_id?: string;
    messages?: unknown[];
    error?: { code: number; error_subcode?: number; type: string; message: string; fbtrace_id: string };
  };
}

async function post(f: FakeMeta, body: unknown, path = '/v26.0/123/events'): Promise<Answer> {
  const res = await fetch(`${f.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

describe('fake Meta Conversions API', () => {
  it('accepts a valid JSON batch with Meta success body, and counts each event_id', async () => {
    const f = await fake();
    const a = await post(f, { data: [event('D-1:Qualified'), event('D-2:Qualified')], access_token: f.accessToken, test_event_code: 'TEST1' });
    expect(a).toMatchObject({ status: 200, body: { events_received: 2, messages: [], fbtrace_id: expect.any(String) } });
    await post(f, { data: [event('D-1:Qualified')], access_token: f.accessToken });
    expect(f.received('D-1:Qualified')).toBe(2);
    expect(f.received('D-2:Qualified')).toBe(1);
    expect(f.received('D-3:Qualified')).toBe(0);
    expect(f.events.get('D-2:Qualified')).toMatchObject({ testEventCode: 'TEST1', count: 1 });
    expect(f.calls.map((c) => [c.version, c.pixelId, c.encoding, c.tokenIn, c.status])).toEqual([
      ['v26.0', '123', 'json', 'body', 200],
      ['v26.0', '123', 'json', 'body', 200],
    ]);
    f.reset();
    expect(f.calls).toHaveLength(0);
    expect(f.events.size).toBe(0);
  });

  it('accepts the curl forms: urlencoded and multipart fields, and the token in the query', async () => {
    const f = await fake();
    const form = new URLSearchParams({ data: JSON.stringify([event('F-1')]), access_token: f.accessToken });
    const urlencoded = await fetch(`${f.url}/v26.0/123/events`, { method: 'POST', body: form });
    expect(urlencoded.status).toBe(200);
    const multipart = new FormData();
    multipart.set('data', JSON.stringify([event('F-2')]));
    multipart.set('access_token', f.accessToken);
    expect((await fetch(`${f.url}/v26.0/123/events`, { method: 'POST', body: multipart })).status).toBe(200);
    const query = await post(f, { data: [event('F-3')] }, `/v26.0/123/events?access_token=${f.accessToken}`);
    expect(query.status).toBe(200);
    expect(f.calls.map((c) => [c.encoding, c.tokenIn])).toEqual([
      ['form', 'body'],
      ['multipart', 'body'],
      ['json', 'query'],
    ]);
    expect([...f.events.keys()]).toEqual(['F-1', 'F-2', 'F-3']);
  });

  it('refuses a wrong or missing token with 400 / 190 OAuthException', async () => {
    const f = await fake({ accessToken: 'right' });
    for (const token of ['wrong', undefined]) {
      const a = await post(f, { data: [event('X')], access_token: token });
      expect(a).toMatchObject({ status: 400, body: { error: { code: 190, type: 'OAuthException', fbtrace_id: expect.any(String) } } });
    }
    expect(f.events.size).toBe(0);
  });

  it('rejects the whole batch with code 100 naming the index of the invalid event', async () => {
    const f = await fake();
    const a = await post(f, { data: [event('A'), event('B'), event('C', { user_data: { em: ['not-hashed@x.com'] } })], access_token: f.accessToken });
    expect(a).toMatchObject({ status: 400, body: { error: { code: 100, type: 'OAuthException' } } });
    expect(a.body.error?.message).toContain('data[2]');
    expect(a.body.error?.message).toContain('user_data.em');
    expect(f.events.size).toBe(0);
    expect(f.calls[0]).toMatchObject({ status: 400, code: 100 });
  });

  it.each([
    ['no event_name', { event_name: '' }, 'event_name'],
    ['event_time in ms', { event_time: NOW }, 'in the future'],
    ['a fractional event_time', { event_time: NOW_SEC - 0.5 }, 'integer'],
    ['an unknown action_source', { action_source: 'crm' }, 'action_source'],
    ['upper-case hex', { user_data: { ph: [hex('1').toUpperCase()] } }, 'user_data.ph'],
    ['an unhashed country', { user_data: { country: 'us' } }, 'user_data.country'],
    ['empty user_data', { user_data: {} }, 'user_data'],
    ['a non-numeric value', { custom_data: { value: '12', currency: 'USD' } }, 'custom_data.value'],
    ['a website event without URL and agent', { action_source: 'website' }, 'event_source_url'],
  ])('refuses %s', async (_name, over, needle) => {
    const f = await fake();
    const a = await post(f, { data: [event('A', over)], access_token: f.accessToken });
    expect(a.body.error?.code).toBe(100);
    expect(a.body.error?.message).toContain('data[0]');
    expect(a.body.error?.message).toContain(needle);
  });

  it('refuses events older than 7 days (62 for physical_store), with subcode 2804003', async () => {
    const f = await fake();
    const old = NOW_SEC - 7 * 86400 - 1;
    const a = await post(f, { data: [event('A'), event('B', { event_time: old })], access_token: f.accessToken });
    expect(a.body.error).toMatchObject({ code: 100, error_subcode: 2804003 });
    expect(a.body.error?.message).toContain('data[1]');
    expect((await post(f, { data: [event('C', { event_time: old, action_source: 'physical_store' })], access_token: f.accessToken })).status).toBe(200);
  });

  it('refuses an empty data list and more than 1,000 events', async () => {
    const f = await fake();
    expect((await post(f, { data: [], access_token: f.accessToken })).body.error?.code).toBe(100);
    const many = Array.from({ length: 1001 }, (_, i) => event(`E${i}`));
    const a = await post(f, { data: many, access_token: f.accessToken });
    expect(a.body.error?.message).toContain('at most 1000');
    expect((await post(f, { data: many.slice(0, 1000), access_token: f.accessToken })).body.events_received).toBe(1000);
  });

  it('checks the pixel and the app-secret proof when configured', async () => {
    const f = await fake({ pixelId: '999', appSecret: 's3cret', accessToken: 'tok' });
    const proof = createHmac('sha256', 's3cret').update('tok').digest('hex');
    expect((await post(f, { data: [event('A')], access_token: 'tok', appsecret_proof: proof }, '/v26.0/123/events')).body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    expect((await post(f, { data: [event('A')], access_token: 'tok', appsecret_proof: 'nope' }, '/v26.0/999/events')).body.error?.message).toContain(
      'appsecret_proof',
    );
    expect((await post(f, { data: [event('A')], access_token: 'tok', appsecret_proof: proof }, '/v26.0/999/events')).status).toBe(200);
  });

  it('answers unknown paths with a Graph error', async () => {
    const f = await fake();
    expect((await post(f, {}, '/v26.0/123/nothing')).body.error?.code).toBe(2500);
  });

  it('applies an extra per-event rule to the whole batch', async () => {
    const f = await fake({ rejectEvent: (e) => (e.event_id === 'B' ? 'unknown currency' : null) });
    const a = await post(f, { data: [event('A'), event('B')], access_token: f.accessToken });
    expect(a.body.error?.message).toContain('data[1]: unknown currency');
  });

  describe('modes', () => {
    it('down: 503 with Graph code 2, or a dropped connection', async () => {
      const f = await fake();
      f.setMode({ kind: 'down' });
      expect(await post(f, { data: [event('A')], access_token: f.accessToken })).toMatchObject({ status: 503, body: { error: { code: 2 } } });
      f.setMode({ kind: 'down', how: 'reset' });
      await expect(post(f, { data: [event('A')], access_token: f.accessToken })).rejects.toThrow();
      f.setMode({ kind: 'ok' });
      expect((await post(f, { data: [event('A')], access_token: f.accessToken })).status).toBe(200);
    });

    it('slow: answers after the delay', async () => {
      const f = await fake();
      f.setMode({ kind: 'slow', ms: 150 });
      const started = performance.now();
      expect((await post(f, { data: [event('A')], access_token: f.accessToken })).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('rateLimit: HTTP 400 with code 4 or 17; invalidToken: 190 even for the right token', async () => {
      const f = await fake();
      f.setMode({ kind: 'rateLimit' });
      expect(await post(f, { data: [event('A')], access_token: f.accessToken })).toMatchObject({ status: 400, body: { error: { code: 4 } } });
      f.setMode({ kind: 'rateLimit', code: 17 });
      expect((await post(f, { data: [event('A')], access_token: f.accessToken })).body.error?.code).toBe(17);
      f.setMode({ kind: 'invalidToken' });
      expect((await post(f, { data: [event('A')], access_token: f.accessToken })).body.error).toMatchObject({ code: 190, error_subcode: 463 });
      expect(f.mode).toEqual({ kind: 'invalidToken' });
      expect(f.events.size).toBe(0);
    });

    it('failNext: scripted answers first, then the current mode', async () => {
      const f = await fake();
      f.failNext(2, { kind: 'error', status: 500, code: 1 });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await post(f, { data: [event('A')], access_token: f.accessToken })).status);
      expect(statuses).toEqual([500, 500, 200]);
      expect(f.received('A')).toBe(1);
    });
  });
});
