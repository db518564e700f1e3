import { HUBSPOT, hubspotSubjectMatch, hubspotTenant, hubspotObjectParams, hubspotSubject } from '../ledger-mapping.js';
import { buildLedgerChangesQuery, buildLedgerListQuery, LEDGER_SELECT, type Sql } from '@hookstream/store';
import type { LedgerQuery } from '@hookstream/store';
import type { ObjectRef } from '../types.js';
import { HUBSPOT_EXTENSION } from './map.js';
import type { ChangesQuery, EventQuery, TimelineQuery } from './types.js';

export type { Sql } from '@hookstream/store';

/** HubSpot's filters as a ledger query: portal → tenant, subscription type → type, object → subject. */
export function toLedgerQuery(q: EventQuery): LedgerQuery {
  const subject = hubspotSubjectMatch(q.objectType, q.objectId);
  return {
    provider: HUBSPOT,
    ...(q.portalId !== undefined ? { tenant: hubspotTenant(q.portalId) } : {}),
    ...(q.subscriptionType !== undefined ? { type: q.subscriptionType } : {}),
    ...(subject ? { subject } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    order: q.order,
    limit: q.limit,
    ...(q.after ? { after: q.after } : {}),
  };
}

export function buildListQuery(q: EventQuery): Sql {
  return buildLedgerListQuery(toLedgerQuery(q), HUBSPOT_EXTENSION);
}

export function buildTimelineQuery(ref: ObjectRef, q: TimelineQuery): Sql {
  const [tenant] = hubspotObjectParams(ref);
  return buildLedgerListQuery(
    { provider: HUBSPOT, tenant, subject: { eq: hubspotSubject(ref) }, order: q.order, limit: q.limit, ...(q.after ? { after: q.after } : {}) },
    HUBSPOT_EXTENSION,
  );
}

export function buildChangesQuery(q: ChangesQuery): Sql {
  return buildLedgerChangesQuery(
    { afterId: q.afterId, limit: q.limit, provider: HUBSPOT, ...(q.portalId !== undefined ? { tenant: hubspotTenant(q.portalId) } : {}) },
    HUBSPOT_EXTENSION,
  );
}

/** HubSpot's view of given ledger rows: one primary-key lookup each. */
export function buildByIdsQuery(ids: readonly number[]): Sql {
  return {
    sql: `SELECT ${LEDGER_SELECT}, ${HUBSPOT_EXTENSION.extraSelect} FROM events e ${HUBSPOT_EXTENSION.join} WHERE e.id IN (${ids.map(() => '?').join(', ')})`,
    params: [...ids],
  };
}
