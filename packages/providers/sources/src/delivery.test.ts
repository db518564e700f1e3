import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompiledSource } from './compile.js';
import { parseDelivery } from './delivery.js';
import { TempDir, thrown } from './test-support.js';

const RECEIVED = Date.UTC(2026, 4, 1);
const NOTIFICATION_SCHEMA =
  '{ type: object, required: [event_id, timestamp, event_type, description], properties: { event_id: { type: integer }, timestamp: { type: string }, event_type: { type: string }, description: { type: string } } }';

const yaml = `
sources:
  - name: alerts
    auth: { type: api_key, keys: ["k1-at-least-16-chars", "k2-at-least-16-chars"] }
    eventType: { from: body, path: event_type }
    idempotencyKey: [ "body.event_id" ]
    occurredAt: { path: timestamp }
    tenant: { path: account_id }
    subject: { path: object.id }
    types:
      notification: { schema: ${NOTIFICATION_SCHEMA} }
      alert: { schema: ${NOTIFICATION_SCHEMA} }
    maxEvents: 5
  - name: bare
    auth: { type: none }
    eventType: { value: ping }
    types: { ping: { schema: { type: object } } }
  - name: signed
    auth: { type: standard_webhooks, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
    eventType: { from: header, name: X-Event }
    tenant: { from: header, name: x-tenant }
    types: { ping: { schema: { type: object } } }
  - name: by-header
    auth: { type: none }
    eventType: { value: ping }
    idempotencyKey: [ header.x-request-id ]
    types: { ping: { schema: { type: object } } }
`;

let tmp: TempDir;
let sources: Map<string, CompiledSource>;
beforeAll(() => {
  tmp = new TempDir();
  sources = new Map(tmp.compile(yaml).map((s) => [s.name, s]));
});
afterAll(() => tmp.remove());

const src = (name: string) => sources.get(name) as CompiledSource;
const deliver = (name: string, body: unknown, headers: Record<string, string> = {}) =>
  parseDelivery(src(name), {
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    headers,
    receivedAt: RECEIVED,
  });
const refusal = (name: string, body: unknown, headers: Record<string, string> = {}) => {
  const err = thrown(() => deliver(name, body, headers));
  return { status: err.httpStatus, code: err.code, message: err.message, errors: err.errors };
};

const event = (over: Record<string, unknown> = {}) => ({
  event_id: 42,
  timestamp: '2026-01-02T03:04:05Z',
  event_type: 'notification',
  description: 'disk almost full',
  account_id: 'acme',
  object: { id: 'host-7' },
  ...over,
});

describe('parseDelivery: accepted deliveries', () => {
  it('reads one event from an object body', () => {
    const data = event();
    expect(deliver('alerts', data)).toEqual([
      { type: 'notification', eventId: '42', idempotencyKey: '42', occurredAt: Date.UTC(2026, 0, 2, 3, 4, 5), tenant: 'acme', subject: 'host-7', data },
    ]);
  });

  it('reads every event of an array body, in order', () => {
    const events = deliver('alerts', [event({ event_id: 1 }), event({ event_id: 2, event_type: 'alert', timestamp: '1767323045', account_id: 9, object: {} })]);
    expect(events.map((e) => [e.type, e.idempotencyKey, e.occurredAt, e.tenant, e.subject])).toEqual([
      ['notification', '1', Date.UTC(2026, 0, 2, 3, 4, 5), 'acme', 'host-7'],
      ['alert', '2', 1_767_323_045_000, '9', null],
    ]);
  });

  it('defaults: received time, null tenant and subject, and a content hash as the key', () => {
    const data = { any: 'thing', n: [1, 2] };
    const [e] = deliver('bare', `  ${JSON.stringify(data, null, 2)}  `);
    const hash = createHash('sha256').update(JSON.stringify(data)).digest('hex');
    expect(e).toEqual({ type: 'ping', eventId: hash, idempotencyKey: hash, occurredAt: RECEIVED, tenant: null, subject: null, data });
    // Two identical events are one event (same key); different ones differ.
    const keys = deliver('bare', [data, data, { other: 1 }]).map((x) => x.idempotencyKey);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('defaults for Standard Webhooks: webhook-id, with the index in an array body', () => {
    const headers = { 'webhook-id': 'msg_1', 'x-event': 'ping', 'x-tenant': 't-1' };
    expect(deliver('signed', { a: 1 }, headers).map((e) => [e.idempotencyKey, e.tenant])).toEqual([['msg_1', 't-1']]);
    expect(deliver('signed', [{ a: 1 }, { a: 2 }], headers).map((e) => e.idempotencyKey)).toEqual(['msg_1:0', 'msg_1:1']);
    expect(deliver('signed', { a: 1 }, { 'webhook-id': 'msg_1', 'X-Event': 'ping' })[0]?.tenant).toBeNull();
  });

  it('a key made only of headers gets the index in an array body too', () => {
    expect(deliver('by-header', [{}, {}], { 'x-request-id': 'r1' }).map((e) => e.idempotencyKey)).toEqual(['r1:0', 'r1:1']);
    expect(deliver('by-header', {}, { 'x-request-id': 'r1' }).map((e) => e.idempotencyKey)).toEqual(['r1']);
  });

  it('accepts a body with a UTF-8 byte-order mark and emoji', () => {
    const text = JSON.stringify(event({ description: 'ok 😀' }));
    expect(deliver('alerts', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))[0]?.data).toEqual(event({ description: 'ok 😀' }));
  });
});

describe('parseDelivery: 400 for a body that is no delivery', () => {
  it.each([
    ['empty', '', 'body is empty: expected a JSON object or an array of objects'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'body is not valid UTF-8'],
    ['not JSON', '{"event_id": 1,', /^body is not valid JSON: /],
    ['an empty array', '[]', 'body is an empty array: expected at least one event'],
    ['over maxEvents', JSON.stringify(Array.from({ length: 6 }, (_, i) => event({ event_id: i }))), 'body has 6 events, more than the maximum of 5'],
    ['a number', '42', 'body must be a JSON object or an array of objects'],
    ['null', 'null', 'body must be a JSON object or an array of objects'],
  ])('%s', (_what, body, message) => {
    const r = refusal('alerts', body);
    expect(r).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(r.message).toMatch(message);
  });
});

describe('parseDelivery: 422 with the JSON pointer of every problem', () => {
  it('unknown event type, missing type, schema failures, idempotency and time problems, across all events', () => {
    const r = refusal('alerts', [
      event({ event_id: 0 }),
      event({ event_type: 'billing' }),
      event({ event_type: undefined }),
      event({ event_id: undefined, description: 5 }),
      event({ timestamp: 'yesterday' }),
    ]);
    expect(r).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(r.errors).toEqual([
      { path: '/1/event_type', message: 'unknown event type "billing" (expected notification, alert)' },
      { path: '/2/event_type', message: 'is required (event type)' },
      { path: '/3/event_id', message: 'is required' },
      { path: '/3/description', message: 'must be string' },
      { path: '/3/event_id', message: 'is required (idempotency key)' },
      { path: '/4/timestamp', message: 'must be an ISO-8601 date-time with Z or an offset, or epoch seconds or milliseconds (occurredAt)' },
    ]);
    expect(r.message).toBe('delivery refused: /1/event_type: unknown event type "billing" (expected notification, alert) (and 5 more)');
  });

  it('an object body has pointers without an index', () => {
    expect(refusal('alerts', event({ event_id: 'x', timestamp: undefined, event_type: 7 })).errors).toEqual([
      { path: '/event_type', message: 'must be a string (event type)' },
      { path: '/timestamp', message: 'is required (occurredAt)' },
    ]);
    expect(refusal('alerts', event({ event_id: 1.5 })).errors).toEqual([{ path: '/event_id', message: 'must be integer' }]);
  });

  it('refuses items that are not objects, and bad tenant and subject values', () => {
    expect(refusal('alerts', [event(), 5, [event()]]).errors).toEqual([
      { path: '/1', message: 'expected an object' },
      { path: '/2', message: 'expected an object' },
    ]);
    expect(refusal('alerts', event({ account_id: { id: 1 }, object: { id: 'x'.repeat(256) } })).errors).toEqual([
      { path: '/account_id', message: 'must be a string or a number (tenant)' },
      { path: '/object/id', message: 'is longer than 255 characters (subject)' },
    ]);
    expect(refusal('alerts', event({ account_id: 't'.repeat(129) })).errors).toEqual([
      { path: '/account_id', message: 'is longer than 128 characters (tenant)' },
    ]);
  });

  it('reports a missing header once, at the request level', () => {
    expect(refusal('signed', [{}, {}], { 'x-event': 'ping' }).errors).toEqual([{ path: '', message: 'header webhook-id is missing (idempotency key)' }]);
    expect(refusal('signed', [{}, {}], { 'webhook-id': 'm' }).errors).toEqual([{ path: '', message: 'header x-event is missing (event type)' }]);
    expect(refusal('signed', {}, { 'webhook-id': 'm', 'x-event': 'pong' }).errors).toEqual([
      { path: '', message: 'unknown event type "pong" (expected ping)' },
    ]);
  });

  it('refuses an idempotency key longer than the store indexes', () => {
    expect(refusal('alerts', event({ event_id: 'k'.repeat(256) })).errors).toEqual([
      { path: '/event_id', message: 'must be integer' },
      { path: '', message: 'idempotency key is longer than 255 characters' },
    ]);
  });

  it('reports at most 100 problems and says there were more', () => {
    const many = tmp.compile(yaml.replace('maxEvents: 5', 'maxEvents: 1000'))[0] as CompiledSource;
    const body = Buffer.from(JSON.stringify(Array.from({ length: 1000 }, () => ({}))));
    const err = thrown(() => parseDelivery(many, { rawBody: body, headers: {}, receivedAt: 0 }));
    expect(err.errors).toHaveLength(100);
    expect(err.message).toBe('delivery refused: /0/event_type: is required (event type) (and 99+ more)');
  });
});

describe('parseDelivery: values the database cannot store', () => {
  it('refuses nesting deeper than 20 levels, naming the path', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(refusal('bare', [{}, { x: deep }]).errors).toEqual([{ path: `/1/x${'/d'.repeat(19)}`, message: 'nested deeper than 20 levels' }]);
  });

  it('survives a body nested 10,000 deep', () => {
    const r = refusal('bare', `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(r.status).toBe(422);
    expect(r.errors?.[0]?.message).toBe('nested deeper than 20 levels');
  });

  it('refuses unpaired surrogates in values and in keys', () => {
    expect(refusal('bare', '[{"ok":"😀"},{"s":"a\\ud800b"}]').errors).toEqual([{ path: '/1/s', message: 'contains an unpaired UTF-16 surrogate' }]);
    expect(refusal('bare', '{"o":{"k\\udc00":1}}').errors).toEqual([{ path: '/o', message: 'a field name contains an unpaired UTF-16 surrogate' }]);
  });
});
