import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  DEPLOY_TOKENS,
  FORMS_PASSWORD,
  FORMS_USER,
  JSON_TYPE,
  LEDGER_SECRET,
  NOTES_KEYS,
  NOTES_MAX_EVENTS,
  ORDERS_SECRET,
  SIGNED_TOLERANCE_SEC,
  SOURCE_NAMES,
  basicHeaders,
  bearerHeaders,
  ledgerHeaders,
  ordersHeaders,
  signedHeaders,
  validEvent,
  validHeaders,
  type Headers,
  type SourceName,
} from './sources-fixture.js';

/** One request for the sources route and what it must get. None of them may be a 2xx. */
export interface SourcesFuzzCase {
  kind: string;
  method: 'POST' | 'GET' | 'PUT' | 'DELETE';
  path: string;
  headers: Headers;
  body: Buffer;
  status: number;
  /** The `code` of the `{ code, message }` answer; several when either is right. */
  codes: readonly string[];
  /** For 422: a JSON pointer the answer's errors must name (itself or a path below it). */
  pointer?: string;
}

export interface SourcesFuzzOptions {
  now: () => number;
  /** EDGE_BODY_LIMIT_BYTES and EDGE_MAX_HEADER_BYTES of the edge under test. */
  bodyLimit: number;
  maxHeaderBytes: number;
}

const CODE: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'INVALID_CREDENTIALS',
  404: 'SOURCE_NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'VALIDATION_FAILED',
  431: 'HEADERS_TOO_LARGE',
};

const route = (source: string) => `/webhooks/sources/${source}`;
const source = fc.constantFrom(...SOURCE_NAMES);
/** Header values fetch can send: visible ASCII. */
const junk = (min = 0, max = 80) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{${min},${max}}$`));
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether the bytes would be a delivery to the edge (UTF-8 JSON, an object or a non-empty
 * array): the cases that must be 400 are filtered with it, since random bytes or a cut
 * document are occasionally valid JSON after all.
 */
function isDelivery(body: Buffer): boolean {
  try {
    const v = JSON.parse(utf8.decode(body)) as unknown;
    return typeof v === 'object' && v !== null && (!Array.isArray(v) || v.length > 0);
  } catch {
    return false;
  }
}

const text = (events: readonly unknown[], asArray: boolean) => Buffer.from(asArray ? JSON.stringify(events) : JSON.stringify(events[0]));

/** A valid delivery of `src`: one object, or an array of distinct events within maxEvents. */
const validBody = (src: SourceName) =>
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.nat(1_000_000)).map(([n, asArray, base]) =>
    text(
      Array.from({ length: asArray ? n : 1 }, (_, i) => validEvent(src, base + i)),
      asArray,
    ),
  );

const post = (kind: string, path: string, headers: Headers, body: Buffer, status: number, extra: Partial<SourcesFuzzCase> = {}): SourcesFuzzCase => ({
  kind,
  method: 'POST',
  path,
  headers,
  body,
  status,
  codes: [CODE[status] as string],
  ...extra,
});

// ---- credentials that must be refused -----------------------------------------------------

type BadCredentials = { kind: string; headers: (body: Buffer) => Headers };

/** Ways to get each source's credentials wrong, one at a time. */
function badCredentials(src: SourceName, o: SourcesFuzzOptions): fc.Arbitrary<BadCredentials> {
  const other = fc
    .constantFrom<BadCredentials>(
      { kind: 'no credentials', headers: () => JSON_TYPE },
      { kind: "another source's bearer token", headers: () => bearerHeaders(DEPLOY_TOKENS[1]) },
      { kind: "another source's api key", headers: () => ({ ...JSON_TYPE, 'x-api-key': NOTES_KEYS[0] }) },
    )
    .filter((c) => !(src === 'deploys' && c.kind.includes('bearer')) && !(src === 'notes' && c.kind.includes('api key')));
  const rest = (() => {
    switch (src) {
      case 'notes':
        return fc.oneof(
          junk()
            .filter((k) => !(NOTES_KEYS as readonly string[]).includes(k))
            .map((k): BadCredentials => ({ kind: 'wrong api key', headers: () => ({ ...JSON_TYPE, 'x-api-key': k }) })),
          fc.tuple(fc.constantFrom(...NOTES_KEYS), fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([k, n, cut]): BadCredentials => ({
            kind: cut ? 'api key cut short' : 'api key with a suffix',
            headers: () => ({ ...JSON_TYPE, 'x-api-key': cut ? k.slice(0, -n) : `${k}${'x'.repeat(n)}` }),
          })),
          fc.constant<BadCredentials>({ kind: 'api key as a bearer token', headers: () => ({ ...JSON_TYPE, authorization: `Bearer ${NOTES_KEYS[0]}` }) }),
        );
      case 'orders':
        return fc.oneof(
          fc
            .uint8Array({ minLength: 1, maxLength: 64 })
            .map((other): BadCredentials => ({ kind: 'hmac of other bytes', headers: (b) => ordersHeaders(Buffer.concat([b, Buffer.from(other)])) })),
          fc.constantFrom<BadCredentials>(
            { kind: 'hmac without its prefix', headers: (b) => ordersHeaders(b, { prefix: '' }) },
            { kind: 'hmac with another prefix', headers: (b) => ordersHeaders(b, { prefix: 'sha1=' }) },
            { kind: 'hmac with a wrong secret', headers: (b) => ordersHeaders(b, { secret: `${ORDERS_SECRET}-old` }) },
            {
              kind: 'hmac-sha512 under sha256=',
              headers: (b) => ({ ...JSON_TYPE, 'x-signature': `sha256=${createHmac('sha512', ORDERS_SECRET).update(b).digest('hex')}` }),
            },
            {
              kind: 'hmac as base64',
              headers: (b) => ({ ...JSON_TYPE, 'x-signature': `sha256=${createHmac('sha256', ORDERS_SECRET).update(b).digest('base64')}` }),
            },
          ),
          junk(0, 140).map((j): BadCredentials => ({ kind: 'garbage signature', headers: () => ({ ...JSON_TYPE, 'x-signature': `sha256=${j}` }) })),
        );
      case 'ledger':
        return fc.oneof(
          fc.constantFrom<BadCredentials>(
            { kind: 'hmac-sha256 instead of sha512', headers: (b) => ledgerHeaders(b, { algorithm: 'sha256' }) },
            {
              kind: 'hmac as hex instead of base64',
              headers: (b) => ({ ...ledgerHeaders(b), 'x-ledger-signature': createHmac('sha512', LEDGER_SECRET).update(b).digest('hex') }),
            },
            { kind: 'hmac with a wrong secret', headers: (b) => ledgerHeaders(b, { secret: `${LEDGER_SECRET}-old` }) },
            { kind: 'signature header missing', headers: (b) => ({ ...ledgerHeaders(b), 'x-ledger-signature': '' }) },
          ),
          fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, xor]): BadCredentials => ({
            kind: 'one bit of the signature flipped',
            headers: (b) => {
              const sig = Buffer.from(createHmac('sha512', LEDGER_SECRET).update(b).digest());
              sig[at % sig.length] = (sig[at % sig.length] ?? 0) ^ xor;
              return { ...ledgerHeaders(b), 'x-ledger-signature': sig.toString('base64') };
            },
          })),
        );
      case 'signed': {
        const id = (b: Buffer) => `msg_${createHmac('sha256', 'id').update(b).digest('hex').slice(0, 16)}`;
        return fc.oneof(
          fc.integer({ min: 30, max: 86_400 }).map((s): BadCredentials => ({
            kind: 'timestamp expired',
            headers: (b) => signedHeaders(b, { id: id(b), atMs: o.now() - (SIGNED_TOLERANCE_SEC + s) * 1000 }),
          })),
          fc.integer({ min: 30, max: 86_400 * 365 }).map((s): BadCredentials => ({
            kind: 'timestamp in the future',
            headers: (b) => signedHeaders(b, { id: id(b), atMs: o.now() + (SIGNED_TOLERANCE_SEC + s) * 1000 }),
          })),
          fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature').map((h): BadCredentials => ({
            kind: `${h} missing`,
            headers: (b) => {
              const all = signedHeaders(b, { id: id(b), atMs: o.now() });
              delete all[h];
              return all;
            },
          })),
          junk(1, 20).map((ts): BadCredentials => ({
            kind: 'webhook-timestamp not a number',
            headers: (b) => ({ ...signedHeaders(b, { id: id(b), atMs: o.now() }), 'webhook-timestamp': `${ts}x` }),
          })),
          junk(1, 40).map((other): BadCredentials => ({
            kind: 'signed for another webhook-id',
            headers: (b) => ({ ...signedHeaders(b, { id: id(b), atMs: o.now() }), 'webhook-id': `${id(b)}${other}` }),
          })),
          fc.constantFrom<BadCredentials>(
            {
              kind: 'signed with another key',
              headers: (b) => signedHeaders(b, { id: id(b), atMs: o.now(), key: Buffer.from('not-the-standard-webhooks-key-01') }),
            },
            {
              kind: 'v1a signature only',
              headers: (b) => {
                const h = signedHeaders(b, { id: id(b), atMs: o.now() });
                return { ...h, 'webhook-signature': (h['webhook-signature'] as string).replace('v1,', 'v1a,') };
              },
            },
            {
              kind: 'too many signatures',
              headers: (b) => {
                const h = signedHeaders(b, { id: id(b), atMs: o.now() });
                return { ...h, 'webhook-signature': `${'v1,AAAA '.repeat(16)}${h['webhook-signature'] as string}` };
              },
            },
          ),
        );
      }
      case 'forms':
        return fc.oneof(
          junk(16, 40)
            .filter((p) => p !== FORMS_PASSWORD)
            .map((p): BadCredentials => ({ kind: 'wrong password', headers: () => basicHeaders(FORMS_USER, p) })),
          fc
            .stringMatching(/^[a-z]{1,12}$/)
            .filter((u) => u !== FORMS_USER)
            .map((u): BadCredentials => ({ kind: 'wrong user', headers: () => basicHeaders(u, FORMS_PASSWORD) })),
          fc.constantFrom<BadCredentials>(
            { kind: 'basic credentials not base64', headers: () => ({ ...JSON_TYPE, authorization: `Basic ${FORMS_USER}:${FORMS_PASSWORD}` }) },
            {
              kind: 'basic pair under bearer',
              headers: () => ({ ...JSON_TYPE, authorization: `Bearer ${Buffer.from(`${FORMS_USER}:${FORMS_PASSWORD}`).toString('base64')}` }),
            },
            { kind: 'basic scheme only', headers: () => ({ ...JSON_TYPE, authorization: 'Basic' }) },
          ),
        );
      case 'deploys':
        return fc.oneof(
          junk(1, 60)
            .filter((t) => !(DEPLOY_TOKENS as readonly string[]).includes(t))
            .map((t): BadCredentials => ({ kind: 'wrong bearer token', headers: () => ({ ...JSON_TYPE, authorization: `Bearer ${t}` }) })),
          fc.constantFrom<BadCredentials>(
            { kind: 'token under basic', headers: () => ({ ...JSON_TYPE, authorization: `Basic ${DEPLOY_TOKENS[0]}` }) },
            { kind: 'token without a scheme', headers: () => ({ ...JSON_TYPE, authorization: DEPLOY_TOKENS[0] }) },
            { kind: 'bearer scheme only', headers: () => ({ ...JSON_TYPE, authorization: 'Bearer ' }) },
          ),
        );
    }
  })();
  return fc.oneof({ arbitrary: rest, weight: 4 }, { arbitrary: other, weight: 1 });
}

// ---- events that must be refused (422) ------------------------------------------------------

/** A broken event as JSON text, the pointer (inside the event) its error is reported at, or '' for the request. */
interface Broken {
  kind: string;
  json: string;
  pointer: string;
  /** The error is the request's (a header), reported once at '' whatever the event's place. */
  requestLevel?: boolean;
  /** Headers of the request that differ from valid ones (ledger's type and key come from headers). */
  headers?: Headers;
}

interface Shape {
  required: readonly string[];
  wrongTypes: ReadonlyArray<readonly [path: readonly string[], bad: fc.Arbitrary<unknown>]>;
  /** Body-located event type, if the source reads its type from the body. */
  typeField?: readonly string[];
  timeField?: readonly string[];
  /** Body-located tenant (128) or subject (255) fields. */
  labels: ReadonlyArray<readonly [path: readonly string[], max: number]>;
  stringField: readonly string[];
}

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({ a: 1 }));
const notInteger = fc.oneof(
  fc.double({ min: 0.01, max: 1e6, noNaN: true }).filter((d) => !Number.isInteger(d)),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([1]),
);
const notTime = fc.constantFrom(
  'soon',
  'yesterday',
  '2026-03-01T08:00:00',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '2100-01-01T00:00:00Z',
  '26-03-01T08:00:00Z',
  '',
);

const SHAPES: Record<SourceName, Shape> = {
  notes: {
    required: ['event_id', 'type', 'occurred_at', 'account', 'note'],
    wrongTypes: [
      [['event_id'], fc.oneof(notString, fc.constant(''), fc.string({ minLength: 65, maxLength: 80 }))],
      [['account'], notString],
      [['note'], fc.oneof(fc.constant('n_1'), fc.constant(null), fc.constant([]))],
      [['note', 'text'], fc.oneof(notString, fc.string({ minLength: 201, maxLength: 260 }))],
      [['note', 'id'], notString],
    ],
    typeField: ['type'],
    timeField: ['occurred_at'],
    labels: [
      [['account'], 128],
      [['note', 'id'], 255],
    ],
    stringField: ['note', 'text'],
  },
  orders: {
    required: ['id', 'created', 'amount'],
    wrongTypes: [
      [['id'], fc.oneof(notInteger, fc.integer({ min: -1000, max: 0 }))],
      [['created'], notInteger],
      [['amount'], fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.string({ maxLength: 5 }), fc.constant(null))],
      [['customer'], notString],
    ],
    timeField: ['created'],
    labels: [[['customer'], 255]],
    stringField: ['customer'],
  },
  ledger: {
    required: ['seq', 'at_ms'],
    wrongTypes: [
      [['seq'], fc.oneof(notInteger, fc.integer({ min: -1000, max: -1 }))],
      [
        ['at_ms'],
        fc.oneof(
          fc.boolean(),
          fc.constant(null),
          fc.constant({}),
          fc.double({ min: 1.5, max: 1e9, noNaN: true }).filter((d) => !Number.isInteger(d)),
        ),
      ],
      [['memo'], fc.oneof(fc.integer(), fc.string({ minLength: 101, maxLength: 140 }))],
    ],
    timeField: ['at_ms'],
    labels: [],
    stringField: ['memo'],
  },
  signed: {
    required: ['type', 'timestamp', 'data'],
    wrongTypes: [
      [['data'], fc.oneof(fc.constant('in_1'), fc.constant(null), fc.constant([]))],
      [['data', 'id'], fc.oneof(fc.integer(), fc.boolean(), fc.constant({}))],
      [['data', 'total'], notInteger],
      [['timestamp'], fc.oneof(fc.integer({ min: 1_700_000_000, max: 1_800_000_000 }), fc.boolean())],
    ],
    typeField: ['type'],
    timeField: ['timestamp'],
    labels: [[['data', 'id'], 255]],
    stringField: ['data', 'id'],
  },
  forms: {
    required: ['kind', 'form', 'fields'],
    wrongTypes: [
      [['form'], fc.oneof(notString, fc.constant(''))],
      [['fields'], fc.oneof(fc.constant([]), fc.constant(null), fc.constant('x'), fc.integer())],
    ],
    typeField: ['kind'],
    labels: [],
    stringField: ['form'],
  },
  deploys: {
    required: ['deploy_id', 'finished_at', 'team', 'ok'],
    wrongTypes: [
      [['ok'], fc.oneof(fc.constant('true'), fc.integer(), fc.constant(null))],
      [['deploy_id'], notString],
      [['team'], notString],
      [['finished_at'], fc.oneof(fc.boolean(), fc.constant({}))],
    ],
    timeField: ['finished_at'],
    labels: [[['team'], 128]],
    stringField: ['deploy_id'],
  },
};

const pointerOf = (path: readonly string[]) => path.map((p) => `/${p}`).join('');

function setPath(event: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(event);
  let cur = copy;
  for (const seg of path.slice(0, -1)) cur = cur[seg] as Record<string, unknown>;
  const last = path[path.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Appends a field to an event's JSON text, for values JSON.stringify cannot write (1e400, deep nesting). */
const withRawField = (event: Record<string, unknown>, name: string, rawValue: string) => `${JSON.stringify(event).slice(0, -1)},"${name}":${rawValue}}`;

function brokenEvent(src: SourceName): fc.Arbitrary<Broken> {
  const s = SHAPES[src];
  const base = fc.nat(1_000_000).map((i) => validEvent(src, i));
  const make = (kind: string, event: Record<string, unknown>, path: readonly string[]): Broken => ({
    kind,
    json: JSON.stringify(event),
    pointer: pointerOf(path),
  });
  const arbs: Array<fc.Arbitrary<Broken>> = [
    fc.tuple(base, fc.constantFrom(...s.required)).map(([e, f]) => make('required field missing', setPath(e, [f], undefined), [f])),
    fc
      .tuple(base, fc.constantFrom(...s.wrongTypes))
      .chain(([e, [path, bad]]) => bad.map((v) => make(`wrong type or size at ${pointerOf(path)}`, setPath(e, path, v), path))),
    // Unstorable: unpaired surrogates (a value, a field name), numbers beyond double range, deep nesting.
    fc
      .tuple(base, fc.constantFrom('\ud800', 'x\udfff', '\udc00\ud800', 'ok\ud83d'))
      .map(([e, v]) => make('unpaired surrogate in a value', setPath(e, s.stringField, v), s.stringField)),
    fc
      .tuple(base, fc.constantFrom('\ud800', 'k\udc00'))
      .map(([e, k]) => ({ kind: 'unpaired surrogate in a field name', json: JSON.stringify({ ...e, [k]: 1 }), pointer: '' })),
    fc
      .tuple(base, fc.constantFrom('1e400', '-1e400', '1' + '0'.repeat(400)))
      .map(([e, n]) => ({ kind: 'number beyond double range', json: withRawField(e, 'big', n), pointer: '/big' })),
    fc.tuple(base, fc.integer({ min: 20, max: 5_000 }), fc.boolean()).map(([e, depth, objects]) => ({
      kind: 'nested too deep',
      json: withRawField(e, 'deep', objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`),
      pointer: '/deep',
    })),
  ];
  if (s.typeField) {
    const field = s.typeField;
    arbs.push(
      fc
        .tuple(
          base,
          fc.oneof(
            fc.stringMatching(/^[a-z.]{1,30}$/).filter((t) => !['note.created', 'note.deleted', 'invoice.paid', 'invoice.voided', 'submission'].includes(t)),
            fc.constant('note.created '),
            fc.constant('Submission'),
          ),
        )
        .map(([e, t]) => make('unknown event type', setPath(e, field, t), field)),
      fc
        .tuple(
          base,
          notString.filter((v) => v !== null),
        )
        .map(([e, t]) => make('event type not a string', setPath(e, field, t), field)),
    );
  }
  if (s.timeField) {
    const field = s.timeField;
    arbs.push(fc.tuple(base, notTime).map(([e, t]) => make('occurredAt not a time', setPath(e, field, t), field)));
    if (src === 'orders')
      arbs.push(
        fc
          .tuple(base, fc.constantFrom(-1, -1_767_225_600, 4_102_444_800, 99_999_999_999, 5_000_000_000_000))
          .map(([e, t]) => make('epoch seconds out of range', setPath(e, field, t), field)),
      );
    if (src === 'ledger')
      arbs.push(
        fc
          .tuple(base, fc.constantFrom(-1, 4_102_444_800_000, '4102444800000', '99999999999', '-5', '1767225600.1234567891'))
          .map(([e, t]) => make('epoch out of range or malformed', setPath(e, field, t), field)),
      );
  }
  for (const [path, max] of s.labels) {
    arbs.push(
      fc.tuple(base, fc.integer({ min: max + 1, max: max + 200 })).map(([e, n]) => make(`label longer than ${max}`, setPath(e, path, 'l'.repeat(n)), path)),
    );
  }
  return fc.oneof(...arbs);
}

/** Header-level refusals: the source reads part of its event from headers. */
function brokenByHeaders(src: SourceName): fc.Arbitrary<Broken> | null {
  const ok = JSON.stringify(validEvent(src, 1));
  if (src === 'ledger') {
    return fc.oneof(
      fc
        .stringMatching(/^[a-z.]{1,30}$/)
        .filter((t) => t !== 'entry.posted' && t !== 'entry.voided')
        .map((t): Broken => ({ kind: 'unknown event type header', json: ok, pointer: '', requestLevel: true, headers: { 'x-event-type': t } })),
      fc.constantFrom<Broken>(
        { kind: 'event type header missing', json: ok, pointer: '', requestLevel: true, headers: { 'x-event-type': '' } },
        { kind: 'key header missing', json: ok, pointer: '', requestLevel: true, headers: { 'x-shard': '' } },
      ),
      // The key is `<x-shard>:<seq>`: with seq 1, a 254-character shard makes 256.
      fc.integer({ min: 254, max: 400 }).map((n): Broken => ({ kind: 'key longer than 255', json: ok, pointer: '', headers: { 'x-shard': 's'.repeat(n) } })),
    );
  }
  if (src === 'orders')
    return fc
      .integer({ min: 129, max: 400 })
      .map((n): Broken => ({ kind: 'tenant header longer than 128', json: ok, pointer: '', requestLevel: true, headers: { 'x-shop': 's'.repeat(n) } }));
  if (src === 'signed')
    return fc.integer({ min: 256, max: 1000 }).map((n): Broken => ({
      kind: 'webhook-id longer than 255',
      json: ok,
      pointer: '',
      requestLevel: true,
      headers: { 'webhook-id': `msg_${'i'.repeat(n)}` },
    }));
  return null;
}

/** Valid credentials for `body`, with `overrides` applied before signing what depends on them. */
function credentials(src: SourceName, body: Buffer, o: SourcesFuzzOptions, overrides: Headers = {}): Headers {
  if (src === 'signed' && overrides['webhook-id'] !== undefined) return signedHeaders(body, { id: overrides['webhook-id'], atMs: o.now() });
  const h = { ...validHeaders(src, body, o.now()), ...overrides };
  // An empty override means the header is left out.
  for (const [k, v] of Object.entries(overrides)) if (v === '') delete h[k];
  return h;
}

// ---- the cases ----------------------------------------------------------------------------

/**
 * Bad requests of every kind for POST /webhooks/sources/:source, each with the one answer it
 * must get. The edge checks, in order: media type (415), body size (413), source (404),
 * credentials (401), that the body is a delivery (400), every event (422); each case breaks
 * one thing, so its answer is the first check it fails.
 */
export function sourcesFuzzCase(o: SourcesFuzzOptions): fc.Arbitrary<SourcesFuzzCase> {
  const withSource = <T>(f: (src: SourceName) => fc.Arbitrary<T>) => source.chain((src) => f(src).map((v) => [src, v] as const));

  const badCreds = withSource((src) =>
    fc.tuple(
      badCredentials(src, o),
      fc.oneof(
        validBody(src),
        fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => Buffer.from(b)),
      ),
    ),
  ).map(([src, [c, body]]) => post(`401 ${src}: ${c.kind}`, route(src), c.headers(body), body, 401));

  const notADelivery = withSource((src) =>
    fc
      .oneof(
        fc.uint8Array({ minLength: 1, maxLength: 1024 }).map((b) => ({ kind: 'random bytes', body: Buffer.from(b) })),
        fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => ({
          kind: 'invalid UTF-8 in a string',
          body: Buffer.concat([Buffer.from('{"form":"'), Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80, ...b]), Buffer.from('"}')]),
        })),
        fc
          .tuple(validBody(src), fc.double({ min: 0, max: 0.999, noNaN: true }))
          .map(([b, frac]) => ({ kind: 'truncated body', body: b.subarray(0, Math.floor(b.length * frac)) })),
        fc
          .oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean(), fc.constant(null))
          .map((v) => ({ kind: 'JSON scalar', body: Buffer.from(JSON.stringify(v)) })),
        fc.constantFrom(
          { kind: 'empty array', body: Buffer.from('[]') },
          { kind: 'empty body', body: Buffer.alloc(0) },
          { kind: 'whitespace only', body: Buffer.from(' \n\t ') },
        ),
        fc.integer({ min: 2, max: 10_000 }).map((d) => ({ kind: 'unclosed nesting', body: Buffer.from('['.repeat(d) + ']'.repeat(d - 1)) })),
      )
      .filter((c) => !isDelivery(c.body)),
  ).map(([src, c]) => post(`400 ${src}: ${c.kind}`, route(src), credentials(src, c.body, o), c.body, 400));

  const tooManyEvents = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.nat(1_000_000)).map(([extra, base]) => {
    const body = text(
      Array.from({ length: NOTES_MAX_EVENTS + extra }, (_, i) => validEvent('notes', base + i)),
      true,
    );
    return post('400 notes: more events than maxEvents', route('notes'), credentials('notes', body, o), body, body.length > o.bodyLimit ? 413 : 400);
  });

  const badEvent = withSource((src) => {
    const byHeaders = brokenByHeaders(src);
    return byHeaders ? fc.oneof({ arbitrary: brokenEvent(src), weight: 4 }, { arbitrary: byHeaders, weight: 1 }) : brokenEvent(src);
  }).map(([src, b]) => {
    const body = Buffer.from(b.json);
    return post(`422 ${src}: ${b.kind}`, route(src), credentials(src, body, o, b.headers), body, body.length > o.bodyLimit ? 413 : 422, { pointer: b.pointer });
  });

  // An array of valid events with one broken event among them: refused whole, at its index.
  const badBatch = withSource((src) => fc.tuple(brokenEvent(src), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 }), fc.nat(1_000_000))).map(
    ([src, [b, before, after, base]]) => {
      const good = (n: number, from: number) => Array.from({ length: n }, (_, i) => JSON.stringify(validEvent(src, base + from + i)));
      const body = Buffer.from(`[${[...good(before, 0), b.json, ...good(after, before)].join(',')}]`);
      return post(`422 ${src} batch: ${b.kind} at /${before}`, route(src), credentials(src, body, o), body, body.length > o.bodyLimit ? 413 : 422, {
        pointer: `/${before}${b.pointer}`,
      });
    },
  );

  // Not an object where an event should be.
  const notAnEvent = withSource((_src) =>
    fc.tuple(
      fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 })),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 2, max: 5_000 }),
    ),
  ).map(([src, [v, at, depth]]) => {
    const nested = at === 3;
    const items = nested
      ? [`${'['.repeat(depth)}${']'.repeat(depth)}`]
      : [...Array.from({ length: at }, (_, i) => JSON.stringify(validEvent(src, 900_000 + i))), JSON.stringify(v)];
    const body = Buffer.from(`[${items.join(',')}]`);
    return post(`422 ${src}: ${nested ? 'arrays nested as the event' : 'not an object'}`, route(src), credentials(src, body, o), body, 422, {
      pointer: `/${nested ? 0 : at}`,
    });
  });

  const wrongMediaType = withSource((src) =>
    fc.tuple(
      validBody(src),
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/jsonx',
        'json',
        'text/json',
        'application/octet-stream',
        null,
      ),
    ),
  ).map(([src, [body, type]]) => {
    const headers = { ...credentials(src, body, o) };
    if (type === null) delete headers['content-type'];
    else headers['content-type'] = type;
    return post(`415 ${src}: content-type ${type ?? 'missing'}`, route(src), headers, body, 415);
  });

  // Over the body limit: refused before the source, its credentials or the body are looked at.
  const oversized = fc
    .tuple(fc.oneof(source, fc.constant('no-such-source')), fc.double({ min: 1.01, max: 3, noNaN: true }), fc.boolean())
    .map(([src, times, signed]) => {
      const body = Buffer.from(JSON.stringify({ ...validEvent('forms', 1), fields: { blob: 'x'.repeat(Math.ceil(o.bodyLimit * times)) } }));
      const headers = signed && src !== 'no-such-source' ? credentials(src as SourceName, body, o) : JSON_TYPE;
      return post(`413 ${src}: body over the limit`, route(src), headers, body, 413);
    });

  // Unknown sources, including near-misses of real names: 404 whatever the body and credentials.
  const unknownSource = fc
    .tuple(
      fc.oneof(
        fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,30}$/).filter((n) => !(SOURCE_NAMES as readonly string[]).includes(n)),
        fc.constantFrom(
          'Notes',
          'NOTES',
          'notes%20',
          '%20notes',
          'notes%00',
          'note',
          'orders-',
          'sources',
          'hubspot',
          '%F0%9F%92%A9',
          'a'.repeat(64),
          'x'.repeat(300),
        ),
      ),
      fc.oneof(
        validBody('notes'),
        fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
      ),
    )
    .map(([name, body]) =>
      // A name beyond the router's maxParamLength (100) is refused by Fastify itself: 414, its own code.
      name.length > 100
        ? post('414 source name too long', route(name), { ...credentials('notes', body, o) }, body, 414, { codes: ['FST_ERR_MAX_PARAM_LENGTH'] })
        : post('404 unknown source', route(name), { ...credentials('notes', body, o) }, body, 404),
    );

  // Wrong method or path: the host's 404.
  const wrongRoute = fc.constantFrom<SourcesFuzzCase>(
    { kind: '404 GET', method: 'GET', path: route('notes'), headers: {}, body: Buffer.alloc(0), status: 404, codes: ['NOT_FOUND'] },
    { kind: '404 DELETE', method: 'DELETE', path: route('orders'), headers: {}, body: Buffer.alloc(0), status: 404, codes: ['NOT_FOUND'] },
    { kind: '404 PUT', method: 'PUT', path: route('forms'), headers: JSON_TYPE, body: Buffer.from('{}'), status: 404, codes: ['NOT_FOUND'] },
    {
      kind: '404 no source name',
      method: 'POST',
      path: '/webhooks/sources/',
      headers: JSON_TYPE,
      body: Buffer.from('{}'),
      status: 404,
      codes: ['NOT_FOUND', 'SOURCE_NOT_FOUND'],
    },
    {
      kind: '404 no source segment',
      method: 'POST',
      path: '/webhooks/sources',
      headers: JSON_TYPE,
      body: Buffer.from('{}'),
      status: 404,
      codes: ['NOT_FOUND'],
    },
    {
      kind: '404 extra segment',
      method: 'POST',
      path: `${route('notes')}/extra`,
      headers: JSON_TYPE,
      body: Buffer.from('{}'),
      status: 404,
      codes: ['NOT_FOUND'],
    },
  );

  // Headers over EDGE_MAX_HEADER_BYTES: refused by the HTTP parser, before any route.
  const hugeHeaders = fc.tuple(source, fc.integer({ min: 1, max: 3 })).map(([src, times]) => {
    const body = Buffer.from(JSON.stringify(validEvent(src, 1)));
    return post(
      `431 ${src}: headers over the limit`,
      route(src),
      { ...credentials(src, body, o), 'x-padding': 'p'.repeat(o.maxHeaderBytes * times) },
      body,
      431,
    );
  });

  return fc.oneof(
    { arbitrary: badCreds, weight: 6 },
    { arbitrary: notADelivery, weight: 3 },
    { arbitrary: tooManyEvents, weight: 1 },
    { arbitrary: badEvent, weight: 8 },
    { arbitrary: badBatch, weight: 4 },
    { arbitrary: notAnEvent, weight: 1 },
    { arbitrary: wrongMediaType, weight: 2 },
    { arbitrary: oversized, weight: 1 },
    { arbitrary: unknownSource, weight: 2 },
    { arbitrary: wrongRoute, weight: 1 },
    { arbitrary: hugeHeaders, weight: 1 },
  );
}
