import { num, numOrNull, parseJson, type EventPosition, type LedgerReader } from '@hookstream/store';

/** A deal as GET /deals/:provider/:dealId answers it. */
export interface DealView {
  source: string;
  dealId: string;
  status: string;
  /** Its position in the source's stages; null for a status they do not list. */
  stageRank: number | null;
  /** Ledger id (GET /events `id`) of the event that set the status. */
  statusLedgerId: number;
  deal: unknown;
  customer: unknown;
  property: unknown;
  firstSeenAt: number;
  lastEventAt: number;
  updatedAt: number;
}

/** One status a deal reached, in GET /deals/:provider/:dealId/timeline. */
export interface TimelineEntry {
  status: string;
  stageRank: number | null;
  /** The x-event of the webhook that brought it. */
  type: string;
  reachedAt: number;
  ledgerId: number;
  /** False when it arrived after a later stage and left the current status alone. */
  advanced: boolean;
}

export interface DealReader {
  deal(source: string, dealId: string): Promise<DealView | null>;
  /** Oldest first (reached_at, then ledger id), keyset-paged; reads `limit` rows. */
  timeline(source: string, dealId: string, q: { limit: number; after?: EventPosition }): Promise<TimelineEntry[]>;
}

/** Reads through the ledger reader's query, so an outage is a 503 and bad input a 400 like every read. */
export function createDealReader(ledger: Pick<LedgerReader, 'query'>): DealReader {
  return {
    async deal(source, dealId) {
      const [r] = await ledger.query('read crm deal', {
        sql: `SELECT source, deal_id, status, status_rank, status_event_id, deal_details, customer, property, first_seen_at, last_event_at, updated_at
                FROM crm_deals WHERE source = ? AND deal_id = ?`,
        params: [source, dealId],
      });
      return r ? dealFromRow(r) : null;
    },
    async timeline(source, dealId, q) {
      const after = q.after ? 'AND (reached_at > ? OR (reached_at = ? AND event_id > ?))' : '';
      const rows = await ledger.query('read crm deal timeline', {
        sql: `SELECT status, status_rank, event_type, reached_at, event_id, advanced FROM crm_deal_status_history
               WHERE source = ? AND deal_id = ? ${after} ORDER BY reached_at, event_id LIMIT ?`,
        params: [source, dealId, ...(q.after ? [q.after.occurredAt, q.after.occurredAt, q.after.id] : []), q.limit],
      });
      return rows.map(entryFromRow);
    },
  };
}

function dealFromRow(r: Record<string, unknown>): DealView {
  return {
    source: String(r.source),
    dealId: String(r.deal_id),
    status: String(r.status),
    stageRank: numOrNull(r.status_rank),
    statusLedgerId: num(r.status_event_id),
    deal: parseJson(r.deal_details),
    customer: parseJson(r.customer),
    property: parseJson(r.property),
    firstSeenAt: num(r.first_seen_at),
    lastEventAt: num(r.last_event_at),
    updatedAt: num(r.updated_at),
  };
}

function entryFromRow(r: Record<string, unknown>): TimelineEntry {
  return {
    status: String(r.status),
    stageRank: numOrNull(r.status_rank),
    type: String(r.event_type),
    reachedAt: num(r.reached_at),
    ledgerId: num(r.event_id),
    advanced: num(r.advanced) === 1,
  };
}
