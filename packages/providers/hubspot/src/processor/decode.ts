import { objectTypeOf } from '../object-types.js';
import { parseWebhookBatch, type HubSpotEvent } from '../events.js';
import { decodeEnvelope, EnvelopeError, type ConsumedMessage, type Envelope } from '@hookstream/kafka';
import type { DecodeOutcome } from '@hookstream/pipeline';
import { hubspotIdempotencyKey, type ObjectRef } from '../store/index.js';

export interface DecodedEvent {
  offset: string;
  envelope: Envelope<HubSpotEvent>;
  event: HubSpotEvent;
  ref: ObjectRef;
  /** The ledger's idempotency key: equal keys are the same HubSpot event. */
  dedupeKey: string;
}

export type DecodeResult = DecodeOutcome<DecodedEvent>;

/** Frame + provider validation. A message that fails here can never succeed: it is dead-lettered. */
export function decodeMessage(message: ConsumedMessage): DecodeResult {
  try {
    const envelope = decodeEnvelope(message.value);
    if (envelope.provider !== 'hubspot') throw new EnvelopeError(`unknown provider "${envelope.provider}"`);
    const parsed = parseWebhookBatch([envelope.event], { maxEvents: 1 });
    if (!parsed.ok) throw new EnvelopeError(`invalid HubSpot event: ${parsed.message}`);
    const event = parsed.events[0];
    if (!event) throw new EnvelopeError('invalid HubSpot event: empty');
    const ref: ObjectRef = { portalId: event.portalId, objectType: objectTypeOf(event), objectId: event.objectId };
    const dedupeKey = hubspotIdempotencyKey({ ...event, subscriptionId: event.subscriptionId ?? 0 });
    return { ok: true, value: { offset: message.offset, envelope: { ...envelope, event }, event, ref, dedupeKey } };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, error: err };
    throw err;
  }
}

export function refKey(ref: ObjectRef): string {
  return `${ref.portalId}:${ref.objectType}:${ref.objectId}`;
}
