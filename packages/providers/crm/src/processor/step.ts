import type { ProcessStep } from '@hookstream/pipeline';
import { inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource, type QueryRunner } from '@hookstream/store';
import type { StageRanks } from '../config/stages.js';
import { dealKeyString, insertHistory, lockDeals, writeDeal, type DealKey, type HistoryRow } from '../store/deal-writer.js';
import type { DealMessage } from './decode.js';
import { decodeDealMessage } from './decode.js';
import { applyStatus, type DealState } from './deal-state.js';

const CHUNKING = { chunkSize: 500, chunkBytes: 4 * 1024 * 1024 };

export interface CrmStepDeps {
  dataSource: DataSource;
  /** The stages of a source, as its SOURCES_FILE entry lists them (or the defaults). */
  ranksOf: (source: string) => StageRanks;
  now: () => number;
}

/**
 * A batch in one transaction: the deals' rows locked, the ledger rows inserted (a copy of a
 * stored (deal, status) gets no id and changes nothing else), then, for the new ones in
 * partition order, the status history and each deal's state. Redone whole on a deadlock.
 */
export function crmStep(deps: CrmStepDeps): ProcessStep<DealMessage, undefined> {
  return {
    decode: decodeDealMessage,
    async persist(events) {
      const at = deps.now();
      // Serialised and checked before the transaction, so lock hold times stay short.
      const rows = events.map((e) => prepareLedgerRow(e.ledger, at));
      const inserted = await inTransaction(deps.dataSource, 'persist crm', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) => {
        const deals = await lockDeals(qr, distinctDeals(events));
        const ids = await (await openLedgerInsert(qr, CHUNKING)).insert(rows);
        const fresh = events.flatMap((e, i) => (ids[i] == null ? [] : [{ e, ledgerId: ids[i] as number }]));
        await writeStates(qr, deals, fresh, deps, at);
        return fresh.length;
      });
      return { inserted, duplicates: events.length - inserted };
    },
  };
}

function distinctDeals(events: readonly DealMessage[]): DealKey[] {
  return [...new Map(events.map((e) => [dealKeyString(e.deal), e.deal])).values()];
}

async function writeStates(
  qr: QueryRunner,
  locked: ReadonlyMap<string, DealState>,
  fresh: ReadonlyArray<{ e: DealMessage; ledgerId: number }>,
  deps: CrmStepDeps,
  now: number,
): Promise<void> {
  const states = new Map<string, { key: DealKey; state: DealState }>();
  const history: HistoryRow[] = [];
  for (const { e, ledgerId } of fresh) {
    const k = dealKeyString(e.deal);
    const current = states.get(k)?.state ?? locked.get(k) ?? null;
    const r = applyStatus(
      current,
      { ledgerId, status: e.status, type: e.ledger.type, receivedAt: e.ledger.receivedAt, fields: e.fields },
      deps.ranksOf(e.deal.source),
    );
    states.set(k, { key: e.deal, state: r.state });
    history.push({ ...e.deal, status: e.status, rank: r.rank, type: e.ledger.type, reachedAt: e.ledger.occurredAt, ledgerId, advanced: r.advanced });
  }
  await insertHistory(qr, history);
  for (const [k, { key, state }] of states) await writeDeal(qr, key, state, locked.has(k), now);
}
