import { decodeLedgerEnvelope, EnvelopeError, type ConsumedMessage } from '@hookstream/kafka';
import { ledgerEventOf, type DecodedMessage, type DecodeOutcome } from '@hookstream/pipeline';
import type { LedgerEvent } from '@hookstream/store';
import { PROVIDER } from '../constants.js';
import { isId, isObject } from '../edge/fields.js';
import type { LocationEvent, LocationPayload } from '../model.js';

export interface LocationMessage extends DecodedMessage {
  ledger: LedgerEvent;
  source: string;
  event: LocationEvent;
  requestId: string;
}

/**
 * The edge normalised and validated the event; the envelope's copy is checked again for what
 * the tables need, so a message produced by anything else is dead-lettered, never half-stored.
 */
export function decodeLocationMessage(message: ConsumedMessage): DecodeOutcome<LocationMessage> {
  try {
    const e = decodeLedgerEnvelope(message.value);
    if (e.provider !== PROVIDER) throw new EnvelopeError(`provider "${e.provider}" on the location topic`);
    const event = readPayload(e.event, e.eventId);
    if (e.subject !== event.userId || e.idempotencyKey !== event.eventId) throw new EnvelopeError(`location event ${e.eventId}: envelope and payload disagree`);
    return {
      ok: true,
      value: {
        offset: message.offset,
        dedupeKey: `${e.source}\u0000${e.idempotencyKey}`,
        ledger: ledgerEventOf(e),
        source: e.source,
        event,
        requestId: e.requestId,
      },
    };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, error: err };
    throw err;
  }
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function readPayload(p: unknown, eventId: string): LocationEvent {
  const bad = (what: string) => new EnvelopeError(`location event ${eventId}: ${what}`);
  if (!isObject(p) || p.v !== 1) throw bad('payload is not a v1 location event');
  const q = p as unknown as LocationPayload;
  if (typeof q.userId !== 'string' || !isId(q.userId) || typeof q.eventId !== 'string' || typeof q.type !== 'string') throw bad('ids or type missing');
  const recordedAt = Date.parse(q.recordedAt);
  if (!Number.isSafeInteger(recordedAt)) throw bad('recordedAt is not a time');
  const loc = q.location;
  if (loc !== null && !(isObject(loc) && finite(loc.lat) && finite(loc.lon) && Math.abs(loc.lat) <= 90 && Math.abs(loc.lon) <= 180))
    throw bad('location is not a valid position');
  if (q.trip !== null && !(isObject(q.trip) && typeof q.trip.tripId === 'string')) throw bad('trip has no id');
  return {
    eventId: q.eventId,
    type: q.type,
    userId: q.userId,
    deviceId: q.deviceId ?? null,
    live: q.live ?? null,
    recordedAt,
    location: loc === null ? null : { lat: loc.lat, lon: loc.lon, accuracy: finite(loc.accuracy) ? loc.accuracy : null },
    trip: q.trip,
  };
}
