import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@hookstream/core';
import { decodeLedgerEnvelope } from '@hookstream/kafka';
import { createRegistry, type Registry } from '@hookstream/observability';
import { loadSourcesFile, type Accepted, type EdgePart, type IngressRequest, type IngressRoute } from '@hookstream/pipeline';
import { loadLocationSources, type LocationSource } from '../config/load.js';
import { LOCATION_PATH } from '../constants.js';
import { locationEdgePart } from './part.js';

const RADAR_TOKEN = 'radar-webhook-token-0001';
const RADAR_OLD_TOKEN = 'radar-webhook-token-0000';
const API_KEY = 'ref-api-key-0000000001';
const BEARER = 'gw-bearer-token-00000001';
const RECEIVED = Date.UTC(2026, 2, 1, 12);
const SIGNING_ID = '64d28b9f7a2fd90012d16fcc';

const sign = (token: string, id: string) => createHmac('sha1', token).update(id).digest('hex');
const radarHeaders = (id = SIGNING_ID, token = RADAR_TOKEN) => ({ 'x-radar-signing-id': id, 'x-radar-signature': sign(token, id) });

let dir: string;
let sources: LocationSource[];
let part: EdgePart;
let registry: Registry;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookstream-location-'));
  const path = join(dir, 'sources.yaml');
  writeFileSync(
    path,
    `sources:
  - name: radar
    provider: location
    auth: { type: radar, tokens: ["${RADAR_TOKEN}", "${RADAR_OLD_TOKEN}"] }
  - name: ref
    provider: location
    auth: { type: api_key, keys: ["${API_KEY}"] }
  - name: gateway
    provider: location
    auth: { type: bearer, tokens: ["${BEARER}"] }
  - name: deals
    provider: crm
    auth: { type: api_key, keys: ["crm-key-0000000000001"] }
`,
  );
  sources = loadLocationSources(loadSourcesFile(path));
  registry = createRegistry('location-test', false);
  part = locationEdgePart({ sources, topic: 'location.events', bodyLimitBytes: 65536 }, { registry, now: () => RECEIVED });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const route = (): IngressRoute => part.routes[0] as IngressRoute;

function referenceSample(): Record<string, unknown> {
  return {
    id: '64d28b9f7a2fd90012d16fcc',
    created_at: '2023-08-08T18:38:23.400Z',
    live: 'TRUE',
    type: 'user.updated_trip',
    MMUserId: '61947963940bbe643baf76d9',
    location: { type: 'Point', coordinates: { longitude: '-120.2302705', latitude: '36.923764' } },
    trip: { _id: '64d28b0e7a2fd90012d16f6a', externalId: 'ext-1', startedAt: '2023-08-08T18:35:58.600Z', metadata: { route_session_type: 'delivery' } },
  };
}

function radarBody(): Record<string, unknown> {
  return {
    events: [
      {
        _id: 'evt-1',
        type: 'user.updated_trip',
        createdAt: '2026-03-01T11:59:50.000Z',
        actualCreatedAt: '2026-03-01T11:59:40.000Z',
        live: true,
        location: { type: 'Point', coordinates: [13.405, 52.52] },
        locationAccuracy: 5,
      },
      { _id: 'evt-2', type: 'user.stopped_trip', createdAt: '2026-03-01T11:59:55.000Z', trip: { _id: 'trip-1', status: 'completed' } },
    ],
    user: { _id: 'radar-user-1', userId: 'user-1', deviceId: 'device-A' },
  };
}

function request(source: string, headers: Record<string, string | string[]>, body: unknown): IngressRequest {
  return {
    method: 'POST',
    url: `/webhooks/location/${source}`,
    headers: { 'content-type': 'application/json', ...headers },
    params: { source },
    rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    protocol: 'https',
    host: 'hooks.example.com',
    requestId: 'req-1',
    receivedAt: RECEIVED,
  };
}

const accept = async (req: IngressRequest): Promise<Accepted> => route().accept(req);

async function refusal(req: IngressRequest): Promise<AppError> {
  try {
    await accept(req);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the request to be refused');
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const m = (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return m?.value ?? 0;
}

describe('POST /webhooks/location/:source', () => {
  it('serves the location path for every location entry and no other, and creates its topic', () => {
    expect(route().url).toBe(LOCATION_PATH);
    expect(route().url).toBe('/webhooks/location/:source');
    expect(route().bodyLimitBytes).toBe(65536);
    expect(part.routes).toHaveLength(1);
    expect(part.topics).toEqual(['location.events']);
    expect(sources.map((s) => s.name)).toEqual(['radar', 'ref', 'gateway']);
    expect(part.describe?.('https://hooks.example.com/')).toEqual({
      location: [
        'https://hooks.example.com/webhooks/location/radar',
        'https://hooks.example.com/webhooks/location/ref',
        'https://hooks.example.com/webhooks/location/gateway',
      ],
    });
  });

  it('accepts Radar’s signed Multiple Events body: one message per event keyed by source and user, envelope v2', async () => {
    const body = radarBody();
    const accepted = await accept(request('radar', radarHeaders(), body));
    expect(accepted.topic).toBe('location.events');
    expect(accepted.source).toBe('radar');
    expect(accepted.messages.map((m) => m.key)).toEqual(['radar:user-1', 'radar:user-1']);
    const [first, second] = accepted.messages.map((m) => decodeLedgerEnvelope(m.value as Buffer));
    const events = body.events as Array<Record<string, unknown>>;
    expect(first).toEqual({
      v: 2,
      provider: 'location',
      source: 'radar',
      receivedAt: RECEIVED,
      requestId: 'req-1',
      auth: 'radar',
      type: 'user.updated_trip',
      eventId: 'evt-1',
      idempotencyKey: 'evt-1',
      // When the device recorded it, not when the request arrived.
      occurredAt: Date.UTC(2026, 2, 1, 11, 59, 40),
      tenant: null,
      subject: 'user-1',
      event: {
        v: 1,
        eventId: 'evt-1',
        type: 'user.updated_trip',
        userId: 'user-1',
        deviceId: 'device-A',
        live: true,
        recordedAt: '2026-03-01T11:59:40.000Z',
        location: { lat: 52.52, lon: 13.405, accuracy: 5 },
        trip: null,
        raw: { ...events[0], user: body.user },
      },
    });
    expect(second).toMatchObject({
      type: 'user.stopped_trip',
      eventId: 'evt-2',
      idempotencyKey: 'evt-2',
      occurredAt: Date.UTC(2026, 2, 1, 11, 59, 55),
      subject: 'user-1',
      event: {
        location: null,
        trip: { tripId: 'trip-1', externalId: null, status: 'completed', metadata: null, startedAt: null },
        raw: { ...events[1], user: body.user },
      },
    });
    expect(accepted.logFields).toEqual({ source: 'radar', auth: 'radar', shape: 'radar', types: ['user.updated_trip', 'user.stopped_trip'] });
  });

  it('accepts a signature made with a token being rotated out, and a signature in upper-case hex', async () => {
    expect((await accept(request('radar', radarHeaders(SIGNING_ID, RADAR_OLD_TOKEN), radarBody()))).messages).toHaveLength(2);
    const upper = { 'x-radar-signing-id': 'sig-2', 'x-radar-signature': sign(RADAR_TOKEN, 'sig-2').toUpperCase() };
    expect((await accept(request('radar', upper, radarBody()))).messages).toHaveLength(2);
  });

  it('accepts the reference system’s record with its API key: key, ids and time from the record', async () => {
    const body = referenceSample();
    const accepted = await accept(request('ref', { 'x-api-key': API_KEY }, body));
    expect(accepted.source).toBe('ref');
    expect(accepted.messages).toHaveLength(1);
    expect(accepted.messages[0]?.key).toBe('ref:61947963940bbe643baf76d9');
    expect(decodeLedgerEnvelope(accepted.messages[0]?.value ?? null)).toEqual({
      v: 2,
      provider: 'location',
      source: 'ref',
      receivedAt: RECEIVED,
      requestId: 'req-1',
      auth: 'api_key',
      type: 'user.updated_trip',
      eventId: '64d28b9f7a2fd90012d16fcc',
      idempotencyKey: '64d28b9f7a2fd90012d16fcc',
      occurredAt: Date.UTC(2023, 7, 8, 18, 38, 23, 400),
      tenant: null,
      subject: '61947963940bbe643baf76d9',
      event: {
        v: 1,
        eventId: '64d28b9f7a2fd90012d16fcc',
        type: 'user.updated_trip',
        userId: '61947963940bbe643baf76d9',
        deviceId: null,
        live: true,
        recordedAt: '2023-08-08T18:38:23.400Z',
        location: { lat: 36.923764, lon: -120.2302705, accuracy: null },
        trip: {
          tripId: '64d28b0e7a2fd90012d16f6a',
          externalId: 'ext-1',
          status: null,
          metadata: { route_session_type: 'delivery' },
          startedAt: Date.UTC(2023, 7, 8, 18, 35, 58, 600),
        },
        raw: body,
      },
    });
    expect(accepted.logFields).toEqual({ source: 'ref', auth: 'api_key', shape: 'flat', types: ['user.updated_trip'] });
  });

  it('accepts a bearer token, and keys the same user apart per source', async () => {
    const accepted = await accept(request('gateway', { authorization: `Bearer ${BEARER}` }, referenceSample()));
    expect(accepted.messages[0]?.key).toBe('gateway:61947963940bbe643baf76d9');
    expect(decodeLedgerEnvelope(accepted.messages[0]?.value ?? null)).toMatchObject({ source: 'gateway', auth: 'bearer' });
    expect(accepted.source).toBe('gateway');
  });

  it('uses the receipt time as occurredAt for an event without its own time', async () => {
    const body = referenceSample();
    delete body.created_at;
    const accepted = await accept(request('ref', { 'x-api-key': API_KEY }, body));
    const envelope = decodeLedgerEnvelope(accepted.messages[0]?.value ?? null);
    expect(envelope.occurredAt).toBe(RECEIVED);
    expect((envelope.event as { recordedAt: string }).recordedAt).toBe('2026-03-01T12:00:00.000Z');
  });

  it('keeps positions out of the log fields', async () => {
    for (const [source, headers, body] of [
      ['radar', radarHeaders(), radarBody()],
      ['ref', { 'x-api-key': API_KEY }, referenceSample()],
    ] as const) {
      const text = JSON.stringify((await accept(request(source, headers, body))).logFields);
      for (const secret of ['52.52', '13.405', '36.923764', '-120.2302705', 'coordinates', '"location"', '"lat"', '"lon"', 'accuracy'])
        expect(text).not.toContain(secret);
    }
  });

  it.each([
    [
      'a signature made with another token',
      { 'x-radar-signing-id': SIGNING_ID, 'x-radar-signature': sign('radar-webhook-token-9999', SIGNING_ID) },
      'signature mismatch',
    ],
    ['the signature of another signing id', { 'x-radar-signing-id': 'other-id', 'x-radar-signature': sign(RADAR_TOKEN, SIGNING_ID) }, 'signature mismatch'],
    [
      'a signature missing its last character',
      { 'x-radar-signing-id': SIGNING_ID, 'x-radar-signature': sign(RADAR_TOKEN, SIGNING_ID).slice(0, -1) },
      'signature mismatch',
    ],
    ['no signature', { 'x-radar-signing-id': SIGNING_ID }, 'missing x-radar-signature header'],
    ['no signing id', { 'x-radar-signature': sign(RADAR_TOKEN, SIGNING_ID) }, 'missing x-radar-signing-id header'],
    ['no headers at all', {}, 'missing x-radar-signing-id header'],
    ['a signature that is not hex', { 'x-radar-signing-id': SIGNING_ID, 'x-radar-signature': 'not-hex' }, 'signature is not hex'],
    [
      'two signatures',
      { 'x-radar-signing-id': SIGNING_ID, 'x-radar-signature': [sign(RADAR_TOKEN, SIGNING_ID), sign(RADAR_TOKEN, SIGNING_ID)] },
      'multiple x-radar-signature headers',
    ],
    ['the API key of another source', { 'x-api-key': API_KEY }, 'missing x-radar-signing-id header'],
  ])('refuses Radar’s source with %s: 401 INVALID_CREDENTIALS before reading the body', async (_what, headers, reason) => {
    // The body is not even JSON: credentials come first.
    const err = await refusal(request('radar', headers, 'not json'));
    expect(err).toMatchObject({ httpStatus: 401, code: 'INVALID_CREDENTIALS', message: reason, retryable: false });
  });

  it.each([
    ['ref', { 'x-api-key': 'ref-api-key-0000000002' }, 'invalid api key'],
    ['ref', { 'x-api-key': `${API_KEY}x` }, 'invalid api key'],
    ['ref', {}, 'missing x-api-key header'],
    ['ref', radarHeaders(), 'missing x-api-key header'],
    ['ref', { authorization: `Bearer ${API_KEY}` }, 'missing x-api-key header'],
    ['gateway', { authorization: `Bearer ${BEARER}x` }, 'invalid bearer token'],
    ['gateway', { authorization: BEARER }, 'authorization scheme is not bearer'],
    ['gateway', { 'x-api-key': BEARER }, 'missing authorization header'],
  ])('refuses %s with %j: 401 %s', async (source, headers, reason) => {
    expect(await refusal(request(source, headers, referenceSample()))).toMatchObject({ httpStatus: 401, code: 'INVALID_CREDENTIALS', message: reason });
  });

  it('answers 404 for a name no location entry declares, another provider’s entries included', async () => {
    expect(await refusal(request('nope', { 'x-api-key': API_KEY }, referenceSample()))).toMatchObject({
      httpStatus: 404,
      code: 'SOURCE_NOT_FOUND',
      message: 'no location source named "nope"',
    });
    expect(await refusal(request('deals', { 'x-api-key': 'crm-key-0000000000001' }, referenceSample()))).toMatchObject({
      httpStatus: 404,
      message: 'no location source named "deals"',
    });
    expect((await refusal(request('x'.repeat(200), {}, '{}'))).message).toBe(`no location source named "${'x'.repeat(64)}"`);
  });

  it.each([['not json'], [''], ['{"id": "x",'], ['\u00ff\u00fe']])('answers 400 for the body %j once authenticated', async (body) => {
    expect(await refusal(request('ref', { 'x-api-key': API_KEY }, body))).toMatchObject({
      httpStatus: 400,
      code: 'BAD_REQUEST',
      message: 'the body is not JSON',
    });
  });

  it('answers 422 with every bad field and produces nothing', async () => {
    const body = radarBody();
    const events = body.events as Array<Record<string, unknown>>;
    (events[0] as Record<string, unknown>).location = { type: 'Point', coordinates: [-180.5, 90.0001] };
    const err = await refusal(request('radar', radarHeaders(), body));
    expect(err).toMatchObject({ httpStatus: 422, code: 'VALIDATION_FAILED', retryable: false });
    expect(err.errors).toEqual([
      { path: '/events/0/location/coordinates/0', message: 'longitude must be between -180 and 180' },
      { path: '/events/0/location/coordinates/1', message: 'latitude must be between -90 and 90' },
    ]);
    expect(err.message).toBe('location webhook refused: /events/0/location/coordinates/0: longitude must be between -180 and 180 (and 1 more)');
    expect(err.toJSON()).toEqual({ code: 'VALIDATION_FAILED', message: err.message, errors: err.errors });
  });

  it.each([
    [
      'a latitude beyond 90',
      { coordinates: { longitude: '-120.23', latitude: '90.0001' } },
      '/location/coordinates/latitude',
      'latitude must be between -90 and 90',
    ],
    [
      'a longitude beyond -180',
      { coordinates: { longitude: '-180.5', latitude: '36.92' } },
      '/location/coordinates/longitude',
      'longitude must be between -180 and 180',
    ],
    ['NaN', { coordinates: { longitude: 'NaN', latitude: '36.92' } }, '/location/coordinates/longitude', 'must be a finite number'],
    ['no position', undefined, '/location', 'is required for user.updated_trip'],
  ])('answers 422 for %s in the reference shape, naming the field', async (_what, location, path, message) => {
    const body = { ...referenceSample(), location };
    const err = await refusal(request('ref', { 'x-api-key': API_KEY }, body));
    expect(err).toMatchObject({
      httpStatus: 422,
      code: 'VALIDATION_FAILED',
      errors: [{ path, message }],
      message: `location webhook refused: ${path}: ${message}`,
    });
  });

  it('answers 422 for a JSON value that is no object, with the empty pointer', async () => {
    const err = await refusal(request('ref', { 'x-api-key': API_KEY }, '[1, 2]'));
    expect(err).toMatchObject({
      httpStatus: 422,
      errors: [{ path: '', message: 'must be a JSON object' }],
      message: 'location webhook refused: must be a JSON object',
    });
  });

  it('counts webhooks received per source, and refusals per source and reason', async () => {
    const labels = {
      received: { provider: 'location', source: 'ref' },
      invalid: { provider: 'location', source: 'ref', reason: 'INVALID_CREDENTIALS' },
      bad: { provider: 'location', source: 'ref', reason: 'BAD_REQUEST' },
      validation: { provider: 'location', source: 'ref', reason: 'VALIDATION_FAILED' },
      unknown: { provider: 'location', source: '(unknown)', reason: 'SOURCE_NOT_FOUND' },
      radarInvalid: { provider: 'location', source: 'radar', reason: 'INVALID_CREDENTIALS' },
    };
    const RECEIVED_TOTAL = 'hookstream_edge_webhooks_received_total';
    const REFUSED_TOTAL = 'hookstream_edge_webhooks_refused_total';
    const before = {
      received: await metric(RECEIVED_TOTAL, labels.received),
      invalid: await metric(REFUSED_TOTAL, labels.invalid),
      bad: await metric(REFUSED_TOTAL, labels.bad),
      validation: await metric(REFUSED_TOTAL, labels.validation),
      unknown: await metric(REFUSED_TOTAL, labels.unknown),
      radarInvalid: await metric(REFUSED_TOTAL, labels.radarInvalid),
    };
    await accept(request('ref', { 'x-api-key': API_KEY }, referenceSample()));
    await refusal(request('ref', { 'x-api-key': 'wrong-key-000000000000' }, referenceSample()));
    await refusal(request('ref', { 'x-api-key': API_KEY }, 'not json'));
    await refusal(request('ref', { 'x-api-key': API_KEY }, { ...referenceSample(), MMUserId: '' }));
    await refusal(request('no-such-location-source', { 'x-api-key': API_KEY }, referenceSample()));
    await refusal(request('radar', {}, radarBody()));
    expect(await metric(RECEIVED_TOTAL, labels.received)).toBe(before.received + 4);
    expect(await metric(REFUSED_TOTAL, labels.invalid)).toBe(before.invalid + 1);
    expect(await metric(REFUSED_TOTAL, labels.bad)).toBe(before.bad + 1);
    expect(await metric(REFUSED_TOTAL, labels.validation)).toBe(before.validation + 1);
    expect(await metric(REFUSED_TOTAL, labels.unknown)).toBe(before.unknown + 1);
    expect(await metric(REFUSED_TOTAL, labels.radarInvalid)).toBe(before.radarInvalid + 1);
    // The unknown name itself is never a label (unbounded cardinality).
    expect(await registry.metrics()).not.toContain('no-such-location-source');
  });

  it('shares the counters with another part registering them in the same registry', () => {
    expect(() => locationEdgePart({ sources, topic: 'location.events', bodyLimitBytes: 1024 }, { registry, now: () => RECEIVED })).not.toThrow();
  });
});
