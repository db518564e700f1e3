import { rankOf, type StageRanks } from '../config/stages.js';

/** What the deal row keeps of the event that set its current status. */
export interface DealFields {
  deal: unknown;
  customer: unknown;
  property: unknown;
}

export interface DealState {
  status: string;
  statusRank: number | null;
  /** Ledger id of the event that set the current status. */
  statusEventId: number;
  fields: DealFields;
  firstSeenAt: number;
  lastEventAt: number;
}

/** One new (deal, status) event, with its ledger id. */
export interface StatusEvent {
  ledgerId: number;
  status: string;
  type: string;
  receivedAt: number;
  fields: DealFields;
}

export interface Applied {
  state: DealState;
  /** The event's rank in its source's stages, null when they do not list it. */
  rank: number | null;
  /** Whether the event set the current status. */
  advanced: boolean;
}

/**
 * The stage rule. A deal takes an event's status when it has none yet, or when the status is
 * in the stages and ranks above the current one (or the current one is not in the stages).
 * So an older status change delivered late never moves a deal back, and for listed statuses
 * the outcome does not depend on the order events arrive in. A status the stages do not list
 * is recorded but moves a deal only while it has no status at all.
 */
export function advances(current: Pick<DealState, 'status'> | null, rank: number | null, ranks: StageRanks): boolean {
  if (current === null) return true;
  if (rank === null) return false;
  const currentRank = rankOf(ranks, current.status);
  return currentRank === null || rank > currentRank;
}

/** The deal after `e`: its status and fields move only when the event advances it. */
export function applyStatus(current: DealState | null, e: StatusEvent, ranks: StageRanks): Applied {
  const rank = rankOf(ranks, e.status);
  const advanced = advances(current, rank, ranks);
  const seen = {
    firstSeenAt: Math.min(current?.firstSeenAt ?? e.receivedAt, e.receivedAt),
    lastEventAt: Math.max(current?.lastEventAt ?? e.receivedAt, e.receivedAt),
  };
  if (advanced || current === null)
    return { rank, advanced, state: { status: e.status, statusRank: rank, statusEventId: e.ledgerId, fields: e.fields, ...seen } };
  // The current status's rank by today's stages, in case they changed since it was set.
  return { rank, advanced, state: { ...current, statusRank: rankOf(ranks, current.status), ...seen } };
}
