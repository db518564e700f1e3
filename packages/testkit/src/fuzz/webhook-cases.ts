import fc from 'fast-check';
import { signedHeaders, type SignatureVersion } from '@hookstream/hubspot';

/** One request for the edge and the statuses it may get. None of them may be a 2xx. */
export interface WebhookFuzzCase {
  kind: string;
  method: 'POST' | 'GET' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  expected: readonly number[];
}

export interface WebhookFuzzOptions {
  secret: string;
  /** The URL the edge verifies v2/v3 signatures against (PUBLIC_URL + path, or the Host it sees). */
  url: string;
  now: () => number;
  /** EDGE_BODY_LIMIT_BYTES and EDGE_MAX_EVENTS of the edge under test. */
  bodyLimit: number;
  maxEvents: number;
}

const VERSIONS: readonly SignatureVersion[] = ['v1', 'v2', 'v3'];

/** A valid event; the cases below break it in one way at a time. */
function validEvent(i: number, now: number): Record<string, unknown> {
  return {
    eventId: 1000 + i,
    subscriptionId: 7,
    portalId: 62515,
    appId: 54321,
    occurredAt: now - 60_000 - i,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 267448862446 + i,
    changeSource: 'CRM',
    propertyName: 'email',
    propertyValue: `a${i}@example.com`,
  };
}

/** Values that are never valid for a required non-negative integer id. */
const badInt = fc.oneof(
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.constantFrom(2 ** 53, 1e300, -0.5, '42', '', 'NaN', null, true, false, [], {}, [1], { n: 1 }),
  fc.string({ maxLength: 20 }),
);

// subscriptionId is optional (absent or null reads as 0), appId too; both must still be non-negative integers.
const REQUIRED_INTS = ['eventId', 'portalId', 'attemptNumber', 'objectId'] as const;
const REQUIRED = [...REQUIRED_INTS, 'occurredAt', 'subscriptionType'] as const;

/**
 * An event that must be refused (wrong types, missing fields, out-of-range or unstorable
 * values), as JSON text: deep nesting is written out, since JSON.stringify overflows the stack on it.
 */
const brokenEvent = (now: number): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.tuple(fc.constantFrom(...REQUIRED_INTS), badInt).map(([field, v]) => ({ ...validEvent(1, now), [field]: v })),
      fc
        .tuple(
          fc.constantFrom('subscriptionId', 'appId'),
          badInt.filter((v) => v !== null),
        )
        .map(([field, v]) => ({ ...validEvent(1, now), [field]: v })),
      fc.constantFrom(...REQUIRED).map((field) => {
        const e = validEvent(1, now);
        delete e[field];
        return e;
      }),
      fc
        .oneof(fc.constant(''), fc.string({ minLength: 101, maxLength: 300 }), fc.integer(), fc.constant(null), fc.constant(['contact.creation']))
        .map((v) => ({ ...validEvent(1, now), subscriptionType: v })),
      // Seconds instead of milliseconds, or far outside 2000–2100.
      fc
        .oneof(fc.integer({ min: 0, max: 946_684_799_999 }), fc.integer({ min: 4_102_444_800_000, max: Number.MAX_SAFE_INTEGER }), fc.constant('2026-01-01'))
        .map((v) => ({ ...validEvent(1, now), occurredAt: v })),
      fc.oneof(fc.integer(), fc.constant({}), fc.constant([]), fc.boolean()).map((v) => ({ ...validEvent(1, now), propertyValue: v })),
      fc
        .oneof(fc.constant('0-'), fc.constant('contact'), fc.string({ minLength: 33, maxLength: 40 }), fc.integer())
        .map((v) => ({ ...validEvent(1, now), objectTypeId: v })),
      // Storable only as far as MariaDB's JSON allows: deep nesting and unpaired surrogates.
      fc
        .integer({ min: 21, max: 10_000 })
        .map((depth) => `${JSON.stringify(validEvent(1, now)).slice(0, -1)},"nested":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      fc.constantFrom('\ud800', 'x\udfff', '\udc00\ud800').map((s) => ({ ...validEvent(1, now), propertyValue: s })),
      fc.constantFrom('\ud800', 'k\udc00').map((k) => ({ ...validEvent(1, now), [k]: 1 })),
      // Not an object at all.
      fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.boolean()),
    )
    .map((e) => (typeof e === 'string' && e.startsWith('{') ? e : JSON.stringify(e)));

function sign(o: WebhookFuzzOptions, body: Buffer, version: SignatureVersion, timestamp = o.now()): Record<string, string> {
  return signedHeaders({ secret: o.secret, version, url: o.url, body, timestamp });
}

/**
 * Bad requests of every kind the issue lists — malformed, truncated, deeply nested, huge,
 * wrongly typed, non-UTF-8, tampered, odd headers — each with the 4xx it must get.
 */
export function webhookFuzzCase(o: WebhookFuzzOptions): fc.Arbitrary<WebhookFuzzCase> {
  const version = fc.constantFrom(...VERSIONS);
  const post = (kind: string, body: Buffer, headers: Record<string, string>, expected: readonly number[]): WebhookFuzzCase => ({
    kind,
    method: 'POST',
    path: '/webhooks/hubspot',
    headers,
    body,
    expected,
  });
  const validBody = fc.integer({ min: 1, max: 5 }).map((n) => Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => validEvent(i, o.now())))));

  return fc.oneof(
    // Signed, but not UTF-8 JSON at all.
    fc
      .tuple(fc.uint8Array({ minLength: 1, maxLength: 2048 }), version)
      .map(([bytes, v]) => post('signed random bytes', Buffer.from(bytes), sign(o, Buffer.from(bytes), v), [400])),
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), version).map(([bytes, v]) => {
      // Invalid UTF-8 inside an otherwise valid-looking body.
      const body = Buffer.concat([Buffer.from('[{"eventId":1,"x":"'), Buffer.from([0xc3, 0x28, 0xff, ...bytes]), Buffer.from('"}]')]);
      return post('signed non-UTF-8', body, sign(o, body, v), [400]);
    }),
    // Signed, well-formed JSON of the wrong shape.
    fc.tuple(fc.jsonValue({ maxDepth: 4 }), version).map(([value, v]) => {
      const body = Buffer.from(JSON.stringify(value));
      return post('signed JSON of the wrong shape', body, sign(o, body, v), [400]);
    }),
    // Signed, deeply nested: arrays of arrays, or an event whose field nests objects 10,000 deep.
    fc.tuple(fc.integer({ min: 2, max: 10_000 }), fc.boolean(), version).map(([depth, objects, v]) => {
      const body = Buffer.from(objects ? `[{"eventId":1,"a":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]` : `${'['.repeat(depth)}${']'.repeat(depth)}`);
      return post('signed deeply nested', body, sign(o, body, v), [400]);
    }),
    // Signed arrays with at least one broken event among valid ones.
    fc.tuple(fc.array(brokenEvent(o.now()), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 3 }), version).map(([broken, good, v]) => {
      const events = [...Array.from({ length: good }, (_, i) => JSON.stringify(validEvent(i, o.now()))), ...broken];
      const body = Buffer.from(`[${events.join(',')}]`);
      return post('signed wrongly typed or unstorable event', body, sign(o, body, v), body.length > o.bodyLimit ? [413] : [400]);
    }),
    // Truncated: signed as truncated (malformed JSON) or signed whole and cut in transit (tampered).
    fc.tuple(validBody, fc.double({ min: 0, max: 0.999, noNaN: true }), fc.boolean(), version).map(([body, frac, signTruncated, v]) => {
      const cut = body.subarray(0, Math.floor(body.length * frac));
      return signTruncated ? post('signed truncated body', cut, sign(o, cut, v), [400]) : post('truncated in transit', cut, sign(o, body, v), [401]);
    }),
    // Tampered: one byte of a validly signed body changed.
    fc.tuple(validBody, fc.nat(), fc.integer({ min: 1, max: 255 }), version).map(([body, at, xor, v]) => {
      const headers = sign(o, body, v);
      const changed = Buffer.from(body);
      const i = at % changed.length;
      changed[i] = (changed[i] ?? 0) ^ xor;
      return post('tampered body', changed, headers, [401]);
    }),
    // Tampered or odd signature headers on a valid body.
    fc
      .tuple(validBody, fc.constantFrom('drop', 'garbage', 'stale', 'future', 'ts-text', 'version', 'empty'), fc.stringMatching(/^[\x21-\x7e]{0,120}$/))
      .map(([body, how, junk]) => {
        const h = sign(o, body, 'v3');
        const ts = o.now();
        switch (how) {
          case 'drop':
            return post('signature headers dropped', body, { 'Content-Type': 'application/json' }, [401]);
          case 'garbage':
            return post('garbage signature', body, { ...h, 'X-HubSpot-Signature-v3': junk || 'x' }, [401]);
          case 'stale':
            return post('stale timestamp', body, sign(o, body, 'v3', ts - 301_000 - junk.length * 1000), [401]);
          case 'future':
            // 30 s past HubSpot's 5 minutes: the case is checked by another process a moment after it is made, and
            // a future timestamp comes nearer the window while it waits (a stale one only grows staler).
            return post('future timestamp', body, sign(o, body, 'v3', ts + 330_000 + junk.length * 1000), [401]);
          case 'ts-text':
            return post('timestamp not a number', body, { ...h, 'X-HubSpot-Request-Timestamp': junk || 'soon' }, [401]);
          case 'version':
            return post(
              'unknown signature version',
              body,
              {
                'Content-Type': 'application/json',
                'X-HubSpot-Signature': h['X-HubSpot-Signature'] ?? '',
                'X-HubSpot-Signature-Version': `v${junk.length + 4}`,
              },
              [401],
            );
          default:
            return post('empty signature', body, { ...h, 'X-HubSpot-Signature-v3': '', 'X-HubSpot-Signature': '' }, [401]);
        }
      }),
    // Huge: over the body limit, or more events than EDGE_MAX_EVENTS.
    fc.tuple(fc.integer({ min: 1, max: 3 }), version).map(([times, v]) => {
      const body = Buffer.from(JSON.stringify([{ ...validEvent(1, o.now()), propertyValue: 'x'.repeat(o.bodyLimit * times) }]));
      return post('body over the limit', body, sign(o, body, v), [413]);
    }),
    fc.tuple(fc.integer({ min: 1, max: 20 }), version).map(([extra, v]) => {
      const body = Buffer.from(JSON.stringify(Array.from({ length: o.maxEvents + extra }, (_, i) => validEvent(i, o.now()))));
      return post('too many events', body, sign(o, body, v), body.length > o.bodyLimit ? [413] : [400]);
    }),
    // Wrong or missing media type (the signature is never looked at).
    fc
      .tuple(
        validBody,
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'json'),
      )
      .map(([body, type]) => post('wrong content type', body, { ...sign(o, body, 'v3'), 'Content-Type': type }, [415])),
    // Wrong method or path.
    fc.constantFrom<WebhookFuzzCase>(
      { kind: 'wrong method', method: 'GET', path: '/webhooks/hubspot', headers: {}, body: Buffer.alloc(0), expected: [404] },
      {
        kind: 'wrong method',
        method: 'PUT',
        path: '/webhooks/hubspot',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('[]'),
        expected: [404],
      },
      {
        kind: 'unknown path',
        method: 'POST',
        path: '/webhooks/hubspot/../../etc/passwd',
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('[]'),
        expected: [404, 401],
      },
      {
        kind: 'unknown path',
        method: 'POST',
        path: "/webhooks/hubspot'%20OR%201=1--",
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from('[]'),
        expected: [404],
      },
    ),
  );
}

/** The status sets the edge may answer with, for reporting: every one a 4xx. */
export const WEBHOOK_FUZZ_STATUSES = [400, 401, 404, 413, 415] as const;
