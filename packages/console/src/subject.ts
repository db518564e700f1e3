import type { EventRow } from './api';

/** Where events-api serves the thing an event changed, per provider; null when it has no such read. */
export interface SubjectRead {
  /** What it is, for the heading: "contact 123", "deal D-1", "user u-7". */
  label: string;
  path: string;
  query?: Record<string, string>;
}

const enc = encodeURIComponent;

/**
 * The ledger's subject is provider-shaped (HubSpot `contact:123` with the portal as tenant, a
 * CRM deal id with the source as its provider name, a location user id with its source), so
 * the mapping to each provider's own read lives here, once.
 */
export function subjectRead(event: Pick<EventRow, 'provider' | 'source' | 'tenant' | 'subject'>): SubjectRead | null {
  const { provider, source, tenant, subject } = event;
  if (!subject) return null;
  if (provider === 'hubspot') {
    const m = /^([a-z][a-z_]{0,63}|[0-9]{1,10}-[0-9]{1,20}):([0-9]{1,20})$/.exec(subject);
    if (!m || !tenant) return null;
    const [, type, id] = m as unknown as [string, string, string];
    return { label: `${type} ${id}`, path: `/portals/${enc(tenant)}/objects/${enc(type)}/${enc(id)}` };
  }
  if (provider === 'crm' && source) return { label: `deal ${subject}`, path: `/deals/${enc(source)}/${enc(subject)}` };
  if (provider === 'location' && source) return { label: `user ${subject}`, path: `/location/users/${enc(subject)}`, query: { source } };
  return null;
}
