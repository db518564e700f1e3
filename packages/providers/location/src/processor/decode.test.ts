import { describe, expect, it } from 'vitest';
import { EnvelopeError, type ConsumedMessage } from '@hookstream/kafka';
import { authConfigSchema, createVerifier, type IngressRequest, type WebhookMetrics } from '@hookstream/pipeline';
import type { LocationSource } from '../config/load.js';
import { normaliseBody } from '../edge/normalise.js';
import { locationIngress } from '../edge/route.js';
import type { LocationEvent } from '../model.js';
import { decodeLocationMessage } from './decode.js';

const RECEIVED = Date.UTC(2026, 2, 1, 12);
const noMetrics: WebhookMetrics = { received: () => undefined, refused: () => undefined };
const source: LocationSource = {
  name: 'radar',
  index: 0,
  auth: authConfigSchema.parse({ type: 'none' }),
  verify: createVerifier(authConfigSchema.parse({ type: 'none' })),
};
const ingress = locationIngress({ sources: [source], topic: 'location.events', bodyLimitBytes: 65536, metrics: noMetrics, now: () => RECEIVED });

function radarBody(): Record<string, unknown> {
  return {
    events: [
      {
        _id: 'evt-1',
        type: 'user.updated_trip',
        createdAt: '2026-03-01T11:59:50.250Z',
        live: 'true',
        location: { type: 'Point', coordinates: ['13.405', 52.52] },
        locationAccuracy: '4.5',
        trip: { _id: 'trip-1', externalId: 'order-1', status: 'started', metadata: { order: 1 }, startedAt: '2026-03-01T11:00:00.000Z' },
      },
      { _id: 'evt-2', type: 'user.stopped_trip', createdAt: '2026-03-01T11:59:55.000Z', trip: { _id: 'trip-1', status: 'completed' } },
    ],
    user: { userId: 'user-1', deviceId: 'device-A' },
  };
}

function request(body: unknown): IngressRequest {
  return {
    method: 'POST',
    url: '/webhooks/location/radar',
    headers: { 'content-type': 'application/json' },
    params: { source: 'radar' },
    rawBody: Buffer.from(JSON.stringify(body)),
    protocol: 'https',
    host: 'hooks.example.com',
    requestId: 'req-7',
    receivedAt: RECEIVED,
  };
}

const consumed = (value: Buffer | null, offset = '41'): ConsumedMessage => ({ key: 'radar:user-1', value, offset, timestamp: String(RECEIVED), headers: {} });

/** The edge's messages for `body`, as a consumer receives them. */
async function edgeMessages(body: unknown = radarBody()): Promise<ConsumedMessage[]> {
  const accepted = await ingress.accept(request(body));
  return accepted.messages.map((m, i) => consumed(m.value as Buffer, String(40 + i)));
}

/** The edge's normalised events for the same body. */
function edgeEvents(body: unknown = radarBody()): LocationEvent[] {
  const r = normaliseBody(body, RECEIVED);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value.events.map((e) => e.event);
}

/** The first edge message with its JSON changed by `edit`. */
async function tampered(edit: (envelope: Record<string, unknown>, event: Record<string, unknown>) => void): Promise<ConsumedMessage> {
  const [m] = await edgeMessages();
  const envelope = JSON.parse((m?.value as Buffer).toString('utf8')) as Record<string, unknown>;
  edit(envelope, envelope.event as Record<string, unknown>);
  return consumed(Buffer.from(JSON.stringify(envelope)));
}

function failure(message: ConsumedMessage): Error {
  const r = decodeLocationMessage(message);
  if (r.ok) throw new Error('expected the message to be refused');
  expect(r.error).toBeInstanceOf(EnvelopeError);
  expect(r.error.code).toBe('ENVELOPE_INVALID');
  return r.error;
}

describe('decodeLocationMessage', () => {
  it('decodes what the edge produced to the same events, with the ledger row and the dedupe key', async () => {
    const messages = await edgeMessages();
    const events = edgeEvents();
    expect(messages).toHaveLength(2);
    const decoded = messages.map((m) => decodeLocationMessage(m));
    expect(decoded.map((d) => d.ok && d.value.event)).toEqual(events);
    expect(events[0]).toEqual({
      eventId: 'evt-1',
      type: 'user.updated_trip',
      userId: 'user-1',
      deviceId: 'device-A',
      live: true,
      recordedAt: Date.UTC(2026, 2, 1, 11, 59, 50, 250),
      location: { lat: 52.52, lon: 13.405, accuracy: 4.5 },
      trip: { tripId: 'trip-1', externalId: 'order-1', status: 'started', metadata: { order: 1 }, startedAt: Date.UTC(2026, 2, 1, 11) },
    });
    const first = decoded[0];
    if (!first?.ok) throw new Error('expected the first message to decode');
    expect(first.value.offset).toBe('40');
    expect(first.value.dedupeKey).toBe('radar\u0000evt-1');
    expect(first.value.source).toBe('radar');
    expect(first.value.requestId).toBe('req-7');
    expect(first.value.ledger).toEqual({
      provider: 'location',
      source: 'radar',
      tenant: null,
      type: 'user.updated_trip',
      subject: 'user-1',
      eventId: 'evt-1',
      idempotencyKey: 'evt-1',
      occurredAt: Date.UTC(2026, 2, 1, 11, 59, 50, 250),
      receivedAt: RECEIVED,
      requestId: 'req-7',
      raw: expect.objectContaining({ v: 1, eventId: 'evt-1', recordedAt: '2026-03-01T11:59:50.250Z', raw: expect.objectContaining({ _id: 'evt-1' }) }),
    });
    // A positionless event decodes with no location.
    expect(decoded[1]?.ok && decoded[1].value.event.location).toBeNull();
    expect(decoded[1]?.ok && decoded[1].value.dedupeKey).toBe('radar\u0000evt-2');
  });

  it('decodes the reference system’s record to the same event', async () => {
    const body = {
      id: '64d28b9f7a2fd90012d16fcc',
      created_at: '2023-08-08T18:38:23.400Z',
      live: 'TRUE',
      type: 'user.updated_trip',
      MMUserId: '61947963940bbe643baf76d9',
      location: { type: 'Point', coordinates: { longitude: '-120.2302705', latitude: '36.923764' } },
    };
    const [m] = await edgeMessages(body);
    const r = decodeLocationMessage(m as ConsumedMessage);
    expect(r.ok && r.value.event).toEqual(edgeEvents(body)[0]);
    expect(r.ok && r.value.event.location).toEqual({ lat: 36.923764, lon: -120.2302705, accuracy: null });
  });

  it.each([
    ['another provider', (e: Record<string, unknown>) => (e.provider = 'crm'), 'provider "crm" on the location topic'],
    ['a subject that is not the user', (e: Record<string, unknown>) => (e.subject = 'user-2'), 'location event evt-1: envelope and payload disagree'],
    ['no subject', (e: Record<string, unknown>) => (e.subject = null), 'location event evt-1: envelope and payload disagree'],
    ['another idempotency key', (e: Record<string, unknown>) => (e.idempotencyKey = 'evt-9'), 'location event evt-1: envelope and payload disagree'],
  ])('refuses an envelope with %s', async (_what, edit, message) => {
    expect(failure(await tampered((envelope) => edit(envelope))).message).toBe(message);
  });

  it.each([
    ['latitude 91', (p: Record<string, unknown>) => (p.location = { lat: 91, lon: 13.405, accuracy: null }), 'location is not a valid position'],
    ['latitude -90.5', (p: Record<string, unknown>) => (p.location = { lat: -90.5, lon: 13.405, accuracy: null }), 'location is not a valid position'],
    ['longitude 180.5', (p: Record<string, unknown>) => (p.location = { lat: 52.52, lon: 180.5, accuracy: null }), 'location is not a valid position'],
    [
      'a latitude as a string',
      (p: Record<string, unknown>) => (p.location = { lat: '52.52', lon: 13.405, accuracy: null }),
      'location is not a valid position',
    ],
    ['no longitude', (p: Record<string, unknown>) => (p.location = { lat: 52.52, accuracy: null }), 'location is not a valid position'],
    ['no location field', (p: Record<string, unknown>) => delete p.location, 'location is not a valid position'],
    ['a location array', (p: Record<string, unknown>) => (p.location = [13.405, 52.52]), 'location is not a valid position'],
    ['no v', (p: Record<string, unknown>) => delete p.v, 'payload is not a v1 location event'],
    ['v 2', (p: Record<string, unknown>) => (p.v = 2), 'payload is not a v1 location event'],
    ['no userId', (p: Record<string, unknown>) => delete p.userId, 'ids or type missing'],
    ['a userId with a control character', (p: Record<string, unknown>) => (p.userId = 'user\u0000'), 'ids or type missing'],
    ['a numeric eventId', (p: Record<string, unknown>) => (p.eventId = 1), 'ids or type missing'],
    ['no type', (p: Record<string, unknown>) => delete p.type, 'ids or type missing'],
    ['recordedAt that is not a time', (p: Record<string, unknown>) => (p.recordedAt = 'soon'), 'recordedAt is not a time'],
    ['a trip without its id', (p: Record<string, unknown>) => (p.trip = { externalId: 'order-1' }), 'trip has no id'],
    ['a trip that is a string', (p: Record<string, unknown>) => (p.trip = 'trip-1'), 'trip has no id'],
  ])('refuses a payload with %s', async (_what, edit, message) => {
    expect(failure(await tampered((_envelope, payload) => edit(payload))).message).toBe(`location event evt-1: ${message}`);
  });

  it('refuses a payload that is no object', async () => {
    expect(failure(await tampered((envelope) => (envelope.event = 'location'))).message).toBe('location event evt-1: payload is not a v1 location event');
    expect(failure(await tampered((envelope) => (envelope.event = null))).message).toBe('location event evt-1: payload is not a v1 location event');
  });

  it('refuses a broken frame: no value, not JSON, no version, v1', async () => {
    expect(failure(consumed(null)).message).toBe('empty message value');
    expect(failure(consumed(Buffer.alloc(0))).message).toBe('empty message value');
    expect(failure(consumed(Buffer.from('{"v":2,'))).message).toMatch(/^value is not JSON/);
    expect(failure(await tampered((envelope) => delete envelope.v)).message).toBe('unsupported envelope version undefined (expected 2)');
    expect(failure(await tampered((envelope) => (envelope.v = 1))).message).toBe('unsupported envelope version 1 (expected 2)');
    expect(failure(await tampered((envelope) => delete envelope.source)).message).toBe('envelope.source missing');
  });

  it('reads an accuracy that is not a finite number as none, and keeps an absent device and live as null', async () => {
    const m = await tampered((_envelope, payload) => {
      payload.location = { lat: 52.52, lon: 13.405, accuracy: 'about 5' };
      delete payload.deviceId;
      delete payload.live;
    });
    const r = decodeLocationMessage(m);
    expect(r.ok && [r.value.event.location, r.value.event.deviceId, r.value.event.live]).toEqual([{ lat: 52.52, lon: 13.405, accuracy: null }, null, null]);
  });

  it('rethrows what is not an envelope problem', () => {
    const poisoned = {
      offset: '1',
      get value(): Buffer {
        throw new TypeError('boom');
      },
    } as unknown as ConsumedMessage;
    expect(() => decodeLocationMessage(poisoned)).toThrow(TypeError);
  });
});
