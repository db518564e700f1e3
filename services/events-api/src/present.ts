import type { LedgerRecord } from '@hookstream/store';
import type { HostedApi } from './hosted.js';

type EventJson = Record<string, unknown> & { id: number; occurredAt: number };

/**
 * A page of ledger rows as JSON, in the page's order: each provider presents its own rows (one
 * call per provider per page), and rows of a provider without a presenter, or not hosted
 * here, are answered with the ledger's fields.
 */
export async function presentAll(rows: readonly LedgerRecord[], hosted: readonly HostedApi[]): Promise<EventJson[]> {
  const byProvider = new Map<string, LedgerRecord[]>();
  for (const r of rows) {
    const list = byProvider.get(r.provider) ?? [];
    list.push(r);
    byProvider.set(r.provider, list);
  }
  const answered = new Map<number, EventJson>();
  await Promise.all(
    [...byProvider].map(async ([provider, list]) => {
      const present = hosted.find((h) => h.provider === provider)?.part.present;
      const json = present ? await present(list) : list.map((r) => ({ ...r }));
      list.forEach((r, i) => answered.set(r.id, (json[i] ?? { ...r }) as EventJson));
    }),
  );
  return rows.map((r) => answered.get(r.id) as EventJson);
}
