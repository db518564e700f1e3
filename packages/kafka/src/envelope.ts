/**
 * The versioned JSON value of every message on a provider topic. `event` is the provider's
 * event exactly as received (after validation); everything else is what the edge knew.
 */
export interface Envelope<E = unknown> {
  v: 1;
  provider: string;
  /** Epoch ms when the edge received the delivery. */
  receivedAt: number;
  requestId: string;
  signatureVersion: string;
  /** W3C trace context of the edge request that produced it; absent when tracing is off (docs/tracing.md). */
  traceparent?: string;
  event: E;
}

export class EnvelopeError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** `traceparent`, when given, is written first: see readTraceparent. */
export function encodeEnvelope(e: Envelope | LedgerEnvelope): Buffer {
  if (e.traceparent === undefined) return Buffer.from(JSON.stringify(e));
  const { traceparent, ...rest } = e;
  return Buffer.from(JSON.stringify({ traceparent, ...rest }));
}

/**
 * W3C trace-context version 00: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>`,
 * lower case, ids not all zeros. Later versions are ignored rather than guessed at.
 */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
export const isTraceparent = (v: unknown): v is string => typeof v === 'string' && TRACEPARENT.test(v);

/** A valid traceparent or nothing: a malformed one never fails an event, it is only dropped. */
const traceparentField = (o: Record<string, unknown>): { traceparent?: string } => (isTraceparent(o.traceparent) ? { traceparent: o.traceparent } : {});

const PREFIX = Buffer.from('{"traceparent":"');
const TRACEPARENT_LENGTH = 55;

/**
 * Adds `traceparent` to an encoded envelope without parsing it again (the edge stamps every
 * provider's messages after the provider built them): the field goes first, the rest of the
 * object's bytes are kept as they are. A value that is not a non-empty JSON object, one that
 * starts with a traceparent already (a duplicate key would make readers disagree), or a
 * traceparent that is not valid, leaves the value unchanged.
 */
export function stampTraceparent(value: Buffer, traceparent: string): Buffer {
  if (!isTraceparent(traceparent) || value.length < 3 || value[0] !== 0x7b || value[1] === 0x7d) return value;
  if (value.subarray(0, PREFIX.length).equals(PREFIX)) return value;
  return Buffer.concat([PREFIX, Buffer.from(`${traceparent}",`), value.subarray(1)]);
}

/**
 * The traceparent of an encoded envelope, read from its first bytes without parsing the event
 * (the processor reads it for a whole batch). Only the place encodeEnvelope and
 * stampTraceparent write it (first) is looked at; undefined when absent or malformed.
 */
export function readTraceparent(value: Buffer | null): string | undefined {
  if (!value || value.length < PREFIX.length + TRACEPARENT_LENGTH + 1) return undefined;
  if (!value.subarray(0, PREFIX.length).equals(PREFIX)) return undefined;
  const end = PREFIX.length + TRACEPARENT_LENGTH;
  if (value[end] !== 0x22) return undefined;
  const candidate = value.toString('latin1', PREFIX.length, end);
  return isTraceparent(candidate) ? candidate : undefined;
}

/** Parses the envelope frame; the provider validates `event` itself. Throws EnvelopeError. */
export function decodeEnvelope(value: Buffer | null): Envelope<unknown> {
  if (!value || value.length === 0) throw new EnvelopeError('empty message value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    throw new EnvelopeError(`value is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EnvelopeError('value is not a JSON object');
  const o = parsed as Record<string, unknown>;
  if (o.v !== 1) throw new EnvelopeError(`unsupported envelope version ${JSON.stringify(o.v)}`);
  if (typeof o.provider !== 'string' || !o.provider) throw new EnvelopeError('envelope.provider missing');
  if (typeof o.receivedAt !== 'number' || !Number.isSafeInteger(o.receivedAt)) throw new EnvelopeError('envelope.receivedAt missing');
  if (typeof o.requestId !== 'string') throw new EnvelopeError('envelope.requestId missing');
  if (typeof o.signatureVersion !== 'string') throw new EnvelopeError('envelope.signatureVersion missing');
  if (typeof o.event !== 'object' || o.event === null) throw new EnvelopeError('envelope.event missing');
  return {
    v: 1,
    provider: o.provider,
    receivedAt: o.receivedAt,
    requestId: o.requestId,
    signatureVersion: o.signatureVersion,
    ...traceparentField(o),
    event: o.event,
  };
}

/**
 * Envelope v2, for providers whose ledger fields are known at the edge (a generic source's
 * idempotency key can come from a header): everything the ledger row needs travels with the
 * event, so the processor stores it without re-deriving anything. HubSpot keeps v1.
 */
export interface LedgerEnvelope<E = unknown> {
  v: 2;
  provider: string;
  source: string;
  receivedAt: number;
  requestId: string;
  /** How the request was authenticated (api_key, hmac, …), never a credential. */
  auth: string;
  type: string;
  eventId: string;
  idempotencyKey: string;
  occurredAt: number;
  tenant: string | null;
  subject: string | null;
  /** As in Envelope. */
  traceparent?: string;
  event: E;
}

const str = (o: Record<string, unknown>, k: string): string => {
  const v = o[k];
  if (typeof v !== 'string' || v === '') throw new EnvelopeError(`envelope.${k} missing`);
  return v;
};
const strOrNull = (o: Record<string, unknown>, k: string): string | null => {
  const v = o[k];
  if (v === null) return null;
  if (typeof v !== 'string') throw new EnvelopeError(`envelope.${k} must be a string or null`);
  return v;
};
const epochMs = (o: Record<string, unknown>, k: string): number => {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new EnvelopeError(`envelope.${k} missing`);
  return v;
};

/** Parses a v2 envelope; throws EnvelopeError (dead-lettered at once: it can never succeed). */
export function decodeLedgerEnvelope(value: Buffer | null): LedgerEnvelope {
  if (!value || value.length === 0) throw new EnvelopeError('empty message value');
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EnvelopeError(`value is not JSON: ${(err as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new EnvelopeError('value is not a JSON object');
  if (o.v !== 2) throw new EnvelopeError(`unsupported envelope version ${JSON.stringify(o.v)} (expected 2)`);
  if (!('event' in o)) throw new EnvelopeError('envelope.event missing');
  return {
    v: 2,
    provider: str(o, 'provider'),
    source: str(o, 'source'),
    receivedAt: epochMs(o, 'receivedAt'),
    requestId: str(o, 'requestId'),
    auth: str(o, 'auth'),
    type: str(o, 'type'),
    eventId: str(o, 'eventId'),
    idempotencyKey: str(o, 'idempotencyKey'),
    occurredAt: epochMs(o, 'occurredAt'),
    tenant: strOrNull(o, 'tenant'),
    subject: strOrNull(o, 'subject'),
    ...traceparentField(o),
    event: o.event,
  };
}
