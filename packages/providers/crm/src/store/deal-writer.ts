import type { QueryRunner } from 'typeorm';
import { num, numOrNull, parseJson } from '@hookstream/store';
import type { DealState } from '../processor/deal-state.js';

export interface DealKey {
  source: string;
  dealId: string;
}

export const dealKeyString = (k: DealKey): string => `${k.source}\u0000${k.dealId}`;

/**
 * Locks the deals' rows (those that exist) for the rest of the transaction: the first lock the CRM's transaction takes, before its ledger rows, as
 * HubSpot's object_state rows are (README "Database"). A deal that does not exist yet is not
 * locked (READ COMMITTED takes no gap locks); two writers creating it collide on the primary
 * key and inTransaction runs the loser again, which then finds and locks the row.
 */
export async function lockDeals(qr: QueryRunner, keys: readonly DealKey[]): Promise<Map<string, DealState>> {
  const out = new Map<string, DealState>();
  if (keys.length === 0) return out;
  // A range scan of the primary key: rows are locked in key order whatever the order of `keys`.
  const where = keys.map(() => '(source = ? AND deal_id = ?)').join(' OR ');
  const rows = (await qr.query(
    `SELECT source, deal_id, status, status_rank, status_event_id, deal_details, customer, property, first_seen_at, last_event_at
       FROM crm_deals WHERE ${where} ORDER BY source, deal_id FOR UPDATE`,
    keys.flatMap((k) => [k.source, k.dealId]),
  )) as Array<Record<string, unknown>>;
  for (const r of rows) out.set(dealKeyString({ source: String(r.source), dealId: String(r.deal_id) }), stateFromRow(r));
  return out;
}

function stateFromRow(r: Record<string, unknown>): DealState {
  return {
    status: String(r.status),
    statusRank: numOrNull(r.status_rank),
    statusEventId: num(r.status_event_id),
    fields: { deal: parseJson(r.deal_details), customer: parseJson(r.customer), property: parseJson(r.property) },
    firstSeenAt: num(r.first_seen_at),
    lastEventAt: num(r.last_event_at),
  };
}

export interface HistoryRow extends DealKey {
  status: string;
  rank: number | null;
  type: string;
  reachedAt: number;
  ledgerId: number;
  advanced: boolean;
}

const HISTORY_COLUMNS = 'source, deal_id, status, status_rank, event_type, reached_at, event_id, advanced';

/** One row per (source, deal, status); the ledger already made each new, so a copy changes nothing. */
export async function insertHistory(qr: QueryRunner, rows: readonly HistoryRow[]): Promise<void> {
  if (rows.length === 0) return;
  await qr.query(
    `INSERT INTO crm_deal_status_history (${HISTORY_COLUMNS}) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE source = source`,
    rows.flatMap((h) => [h.source, h.dealId, h.status, h.rank, h.type, h.reachedAt, h.ledgerId, h.advanced ? 1 : 0]),
  );
}

/** Writes a deal's state: an insert for a deal lockDeals did not find, else an update of the locked row. */
export async function writeDeal(qr: QueryRunner, key: DealKey, s: DealState, existed: boolean, now: number): Promise<void> {
  const values = [
    s.status,
    s.statusRank,
    s.statusEventId,
    json(s.fields.deal),
    json(s.fields.customer),
    json(s.fields.property),
    s.firstSeenAt,
    s.lastEventAt,
    now,
  ];
  if (existed) {
    await qr.query(
      `UPDATE crm_deals SET status = ?, status_rank = ?, status_event_id = ?, deal_details = ?, customer = ?, property = ?,
              first_seen_at = ?, last_event_at = ?, updated_at = ?
        WHERE source = ? AND deal_id = ?`,
      [...values, key.source, key.dealId],
    );
    return;
  }
  await qr.query(
    `INSERT INTO crm_deals (source, deal_id, status, status_rank, status_event_id, deal_details, customer, property, first_seen_at, last_event_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [key.source, key.dealId, ...values],
  );
}

const json = (v: unknown): string => JSON.stringify(v ?? null);
