import type { DataSource } from '@hookstream/store';
import { neverAcknowledged, refusedOnly, type Ledger } from '@hookstream/testkit';

export interface StoredAudit {
  rows: number;
  distinct: number;
  /** Rows beyond the first per unique key (the unique index makes this 0 unless it is missing). */
  duplicates: number;
  /** Acknowledged events without a row. */
  lost: string[];
  refusedStored: string[];
  unacknowledgedStored: number;
  /** Rows whose key the generator never sent. */
  unknownStored: string[];
  byEnrichment: Record<string, number>;
}

/** Copies per unique key, straight from the events table. */
export async function storedKeys(ds: DataSource): Promise<Map<string, number>> {
  const rows = (await ds.query(
    `SELECT portal_id, subscription_id, event_id, occurred_at, object_id, COUNT(*) AS n
     FROM hubspot_event_rows GROUP BY portal_id, subscription_id, event_id, occurred_at, object_id`,
  )) as Array<Record<string, number | string>>;
  return new Map(rows.map((r) => [`${r.portal_id}:${r.subscription_id}:${r.event_id}:${r.occurred_at}:${r.object_id}`, Number(r.n)]));
}

/** Compares what the database holds with what the sender was told. */
export async function auditStored(ds: DataSource, ledger: Ledger): Promise<StoredAudit> {
  const stored = await storedKeys(ds);
  const refused = refusedOnly(ledger);
  const unacked = neverAcknowledged(ledger);
  let rows = 0;
  let duplicates = 0;
  for (const n of stored.values()) {
    rows += n;
    duplicates += n - 1;
  }
  const states = (await ds.query('SELECT enrichment_state AS s, COUNT(*) AS n FROM hubspot_event_rows GROUP BY enrichment_state')) as Array<{
    s: string;
    n: number | string;
  }>;
  return {
    rows,
    distinct: stored.size,
    duplicates,
    lost: [...ledger.acknowledged].filter((k) => !stored.has(k)),
    refusedStored: [...refused].filter((k) => stored.has(k)),
    unacknowledgedStored: [...unacked].filter((k) => stored.has(k)).length,
    unknownStored: [...stored.keys()].filter((k) => !ledger.acknowledged.has(k) && !ledger.refused.has(k) && !ledger.unacknowledged.has(k)),
    byEnrichment: Object.fromEntries(states.map((r) => [r.s, Number(r.n)])),
  };
}

/** Ids of the events whose enrichment is pending right now. */
export async function pendingEnrichmentIds(ds: DataSource): Promise<number[]> {
  const rows = (await ds.query("SELECT id FROM hubspot_event_rows WHERE enrichment_state = 'pending'")) as Array<{ id: number | string }>;
  return rows.map((r) => Number(r.id));
}

/** Events whose enrichment is pending: all of them, or only those among `ids`. */
export async function pendingEnrichments(ds: DataSource, ids?: readonly number[]): Promise<number> {
  if (ids?.length === 0) return 0;
  const among = ids ? ` AND id IN (${ids.map(() => '?').join(',')})` : '';
  const [r] = (await ds.query(`SELECT COUNT(*) AS n FROM hubspot_event_rows WHERE enrichment_state = 'pending'${among}`, ids ? [...ids] : [])) as Array<{
    n: number | string;
  }>;
  return Number(r?.n ?? 0);
}
