import { StoreValidationError } from '@hookstream/store';
import { isEnrichmentState } from '../rows.js';
import type { NewEvent } from './types.js';

const MEDIUMTEXT_BYTES = 16_777_215;

/**
 * Rejects, before any SQL runs, values the schema cannot hold. A strict-mode server would fail
 * the whole batch on them anyway; failing here names the event and field, and is not retryable.
 */
export function validateEvents(events: readonly NewEvent[]): void {
  events.forEach((e, i) => {
    const fail = (field: string, why: string): never => {
      throw new StoreValidationError(`events[${i}].${field}: ${why}`, i);
    };
    const int = (field: keyof NewEvent, nullable = false): void => {
      const v = e[field];
      if (v === null && nullable) return;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) fail(field, 'must be a safe integer');
    };
    const text = (field: keyof NewEvent, max: number, nullable: boolean): void => {
      const v = e[field];
      if (v === null && nullable) return;
      if (typeof v !== 'string' || (!nullable && v.length === 0)) return fail(field, nullable ? 'must be a string or null' : 'must be a non-empty string');
      if (v.length > max && [...v].length > max) fail(field, `longer than ${max} characters`);
    };
    text('provider', 32, false);
    int('portalId');
    int('appId', true);
    int('subscriptionId');
    int('eventId');
    text('subscriptionType', 100, false);
    text('objectType', 64, false);
    text('objectTypeId', 32, true);
    int('objectId');
    int('occurredAt');
    int('receivedAt');
    int('attemptNumber');
    int('enrichmentAttempts');
    int('enrichmentNextAt', true);
    text('changeSource', 64, true);
    text('changeFlag', 64, true);
    text('propertyName', 255, true);
    text('requestId', 64, true);
    if (e.propertyValue !== null) {
      if (typeof e.propertyValue !== 'string') fail('propertyValue', 'must be a string or null');
      else if (Buffer.byteLength(e.propertyValue) > MEDIUMTEXT_BYTES) fail('propertyValue', 'larger than 16 MiB');
    }
    if (e.raw === undefined) fail('raw', 'is required');
    if (!isEnrichmentState(e.enrichmentState)) fail('enrichmentState', 'must be pending, enriched, not_found or skipped');
    if (e.enrichmentError !== null && typeof e.enrichmentError !== 'string') fail('enrichmentError', 'must be a string or null');
  });
}

/** enrichment_error is VARCHAR(500): an error message is cut, never rejected. */
export function clipError(message: string | null): string | null {
  if (message === null || message.length <= 500) return message;
  return [...message].slice(0, 500).join('');
}
