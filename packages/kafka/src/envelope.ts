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
  event: E;
}

export class EnvelopeError extends Error {
  readonly code = 'ENVELOPE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

export function encodeEnvelope(e: Envelope): Buffer {
  return Buffer.from(JSON.stringify(e));
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
  return { v: 1, provider: o.provider, receivedAt: o.receivedAt, requestId: o.requestId, signatureVersion: o.signatureVersion, event: o.event };
}
