import type { LedgerEnvelope } from '@hookstream/kafka';
import type { IngressRequest } from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';
import type { LocationEvent, LocationPayload } from '../model.js';

/** The envelope of one location event: keyed by the sender's event id, about its user, at the device's time. */
export function locationEnvelope(source: string, auth: string, req: IngressRequest, event: LocationEvent, raw: unknown): LedgerEnvelope<LocationPayload> {
  return {
    v: 2,
    provider: PROVIDER,
    source,
    receivedAt: req.receivedAt,
    requestId: req.requestId,
    auth,
    type: event.type,
    eventId: event.eventId,
    idempotencyKey: event.eventId,
    occurredAt: event.recordedAt,
    tenant: null,
    subject: event.userId,
    event: { v: 1, ...event, recordedAt: new Date(event.recordedAt).toISOString(), raw },
  };
}
