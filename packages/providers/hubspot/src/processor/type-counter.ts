import { classifySubscriptionType } from '../subscription-types.js';
import type { Counter, Logger } from '@hookstream/observability';
import type { DecodedEvent } from './decode.js';

/** Distinct unknown type names logged per process; more are still counted, just not logged. */
const MAX_LOGGED_UNKNOWN = 100;

/**
 * Counts persisted events by subscription type. Undocumented types share the `unknown` label
 * (bounded cardinality, whatever HubSpot sends) and are logged once per name, so an operator
 * learns the name; events-api `GET /stats/subscription-types` lists them from the database.
 */
export function createTypeCounter(counter: Counter<string>, log: Logger): (events: readonly DecodedEvent[]) => void {
  const logged = new Set<string>();
  return (events) => {
    for (const d of events) {
      const t = classifySubscriptionType(d.event.subscriptionType);
      counter.inc({ subscription_type: t.bucket });
      if (!t.known && !logged.has(d.event.subscriptionType) && logged.size < MAX_LOGGED_UNKNOWN) {
        logged.add(d.event.subscriptionType);
        log.warn(
          { subscriptionType: d.event.subscriptionType, portalId: d.event.portalId },
          'unknown HubSpot subscription type: stored raw, counted as "unknown"',
        );
      }
    }
  };
}
