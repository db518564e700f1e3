import { isEnrichmentState, num, numOrNull, parseJson, strOrNull } from '../rows.js';
import type { StoredEvent } from './types.js';

export const EVENT_SELECT =
  'id, provider, portal_id, app_id, subscription_id, event_id, subscription_type, object_type, object_type_id, object_id, ' +
  'occurred_at, received_at, processed_at, attempt_number, change_source, change_flag, property_name, property_value, ' +
  'request_id, raw, enrichment, enrichment_state, enrichment_attempts, enrichment_error, enrichment_next_at, enriched_at';

export function eventFromRow(r: Record<string, unknown>): StoredEvent {
  const state = r.enrichment_state;
  return {
    id: num(r.id),
    provider: String(r.provider),
    portalId: num(r.portal_id),
    appId: numOrNull(r.app_id),
    subscriptionId: num(r.subscription_id),
    eventId: num(r.event_id),
    subscriptionType: String(r.subscription_type),
    objectType: String(r.object_type),
    objectTypeId: strOrNull(r.object_type_id),
    objectId: num(r.object_id),
    occurredAt: num(r.occurred_at),
    receivedAt: num(r.received_at),
    processedAt: num(r.processed_at),
    attemptNumber: num(r.attempt_number),
    changeSource: strOrNull(r.change_source),
    changeFlag: strOrNull(r.change_flag),
    propertyName: strOrNull(r.property_name),
    propertyValue: strOrNull(r.property_value),
    requestId: strOrNull(r.request_id),
    raw: parseJson(r.raw),
    enrichment: {
      state: isEnrichmentState(state) ? state : 'pending',
      attempts: num(r.enrichment_attempts),
      error: strOrNull(r.enrichment_error),
      nextAttemptAt: numOrNull(r.enrichment_next_at),
      enrichedAt: numOrNull(r.enriched_at),
      snapshot: parseJson(r.enrichment),
    },
  };
}
