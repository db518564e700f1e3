/** One target's counters at one scrape: value per series key (name and labels). */
export interface CounterSnapshot {
  /** Epoch ms of the scrape. */
  at: number;
  values: ReadonlyMap<string, number>;
}

/**
 * Per-second rates between two scrapes of the same target. A counter lower than before was
 * reset (the process restarted): everything it counts now happened since, as Prometheus's
 * rate() assumes. A series missing from the earlier scrape started since then at zero:
 * prom-client creates a labelled series on its first increment, so its whole value is new.
 * No earlier scrape, or no time between them: no rates (undefined), never a guessed zero.
 */
export function counterRates(prev: CounterSnapshot | undefined, cur: CounterSnapshot): Map<string, number> | undefined {
  if (!prev) return undefined;
  const seconds = (cur.at - prev.at) / 1000;
  if (!(seconds > 0)) return undefined;
  const rates = new Map<string, number>();
  for (const [key, value] of cur.values) {
    const before = prev.values.get(key) ?? 0;
    const increase = value >= before ? value - before : value;
    rates.set(key, increase / seconds);
  }
  return rates;
}
