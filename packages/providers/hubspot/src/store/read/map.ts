import { ledgerFromRow } from '@hookstream/store';
import type { SqlExtension } from '@hookstream/store';
import { num, numOrNull, strOrNull } from '@hookstream/store';
import { isEnrichmentState } from '../rows.js';
import type { StoredEvent } from './types.js';

/** HubSpot's columns of a ledger row, read in the same query (`h` joined to the ledger's `e`). */
export const HUBSPOT_EXTENSION: SqlExtension = {
  extraSelect:
    'h.portal_id, h.app_id, h.subscription_id, h.event_id AS hubspot_event_id, h.object_type, h.object_type_id, h.object_id, ' +
    'h.attempt_number, h.change_source, h.change_flag, h.property_name, h.property_value, ' +
    'h.enrichment, h.enrichment_state, h.enrichment_attempts, h.enrichment_error, h.enrichment_next_at, h.enriched_at',
  join: 'JOIN hubspot_events h ON h.id = e.id',
};

/** A HubSpot event as events-api has always answered it, from a ledger row joined with HUBSPOT_EXTENSION. */
export function eventFromRow(r: Record<string, unknown>): StoredEvent {
  const ledger = ledgerFromRow(r);
  const state = r.enrichment_state;
  return {
    id: ledger.id,
    provider: ledger.provider,
    portalId: num(r.portal_id),
    appId: numOrNull(r.app_id),
    subscriptionId: num(r.subscription_id),
    eventId: num(r.hubspot_event_id),
    subscriptionType: ledger.type,
    objectType: String(r.object_type),
    objectTypeId: strOrNull(r.object_type_id),
    objectId: num(r.object_id),
    occurredAt: ledger.occurredAt,
    receivedAt: ledger.receivedAt,
    processedAt: ledger.processedAt,
    attemptNumber: num(r.attempt_number),
    changeSource: strOrNull(r.change_source),
    changeFlag: strOrNull(r.change_flag),
    propertyName: strOrNull(r.property_name),
    propertyValue: strOrNull(r.property_value),
    requestId: ledger.requestId,
    raw: ledger.raw,
    enrichment: {
      state: isEnrichmentState(state) ? state : 'pending',
      attempts: num(r.enrichment_attempts),
      error: strOrNull(r.enrichment_error),
      nextAttemptAt: numOrNull(r.enrichment_next_at),
      enrichedAt: numOrNull(r.enriched_at),
      snapshot: parseSnapshot(r.enrichment),
    },
  };
}

function parseSnapshot(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}
