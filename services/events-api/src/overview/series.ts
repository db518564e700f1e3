import type { MetricFamily } from './prom-text.js';
import type { CounterSnapshot } from './rates.js';

/** The overview's charts, each one metric of the fleet grouped by one label. */
export const CHART_IDS = ['eventsPerSecond', 'consumerLag', 'deliveriesPerMinute', 'dlqMessages'] as const;
export type ChartId = (typeof CHART_IDS)[number];

export interface ChartSpec {
  id: ChartId;
  metric: string;
  /** The label a chart has one line per. */
  by: string;
  /** rate: a counter's per-second increase; gauge: the value as it is. */
  kind: 'rate' | 'gauge';
  /**
   * How targets combine: sum when each process reports its own share (events it stored, lag
   * of the partitions it owns), max when every process reports the same whole (a topic's size).
   */
  across: 'sum' | 'max';
  /** Multiplier of the per-second rate: 60 for per minute. */
  scale: number;
}

export const CHART_SPECS: readonly ChartSpec[] = [
  { id: 'eventsPerSecond', metric: 'hookstream_processor_events_stored_total', by: 'provider', kind: 'rate', across: 'sum', scale: 1 },
  { id: 'consumerLag', metric: 'hookstream_kafka_consumer_lag', by: 'group', kind: 'gauge', across: 'sum', scale: 1 },
  { id: 'deliveriesPerMinute', metric: 'hookstream_delivery_results_total', by: 'result', kind: 'rate', across: 'sum', scale: 60 },
  { id: 'dlqMessages', metric: 'hookstream_kafka_dlq_messages', by: 'topic', kind: 'gauge', across: 'max', scale: 1 },
];

/** Lines per chart at most: labels are providers, groups, results and topics, a handful each; this bounds memory if one ever explodes. */
export const MAX_LINES = 50;

/** Chart → line label → value. */
export type Readings = Partial<Record<ChartId, Record<string, number>>>;

const SEP = '\u0001';

/** The counters the rate charts need from one page, keyed so rates can be grouped afterwards. */
export function counterSnapshot(families: ReadonlyMap<string, MetricFamily>, at: number): CounterSnapshot {
  const values = new Map<string, number>();
  for (const spec of CHART_SPECS) {
    if (spec.kind !== 'rate') continue;
    const family = families.get(spec.metric);
    if (family?.type !== 'counter') continue;
    for (const s of family.samples) {
      if (s.name !== spec.metric || !Number.isFinite(s.value)) continue;
      const labels = Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1));
      values.set([spec.id, s.labels[spec.by] ?? '', JSON.stringify(labels)].join(SEP), s.value);
    }
  }
  return { at, values };
}

/** One target's readings: its gauges from the page, its counters' rates (absent until it has two scrapes). */
export function targetReadings(families: ReadonlyMap<string, MetricFamily>, rates: ReadonlyMap<string, number> | undefined): Readings {
  const out: Readings = {};
  const add = (id: ChartId, label: string, value: number): void => {
    const chart = (out[id] ??= {});
    chart[label] = (chart[label] ?? 0) + value;
  };
  for (const spec of CHART_SPECS) {
    if (spec.kind !== 'gauge') continue;
    const family = families.get(spec.metric);
    if (family?.type !== 'gauge') continue;
    for (const s of family.samples) if (Number.isFinite(s.value)) add(spec.id, s.labels[spec.by] ?? '', s.value);
  }
  for (const [key, rate] of rates ?? []) {
    const [id, label] = key.split(SEP) as [ChartId, string];
    const spec = CHART_SPECS.find((c) => c.id === id);
    if (spec) add(id, label, rate * spec.scale);
  }
  return out;
}

/** The fleet's readings: every answering target's, summed or maxed per chart, at most MAX_LINES lines each. */
export function combineReadings(perTarget: readonly Readings[]): Readings {
  const out: Readings = {};
  for (const spec of CHART_SPECS) {
    const lines: Record<string, number> = {};
    let any = false;
    for (const r of perTarget) {
      for (const [label, value] of Object.entries(r[spec.id] ?? {})) {
        any = true;
        const before = lines[label];
        lines[label] = before === undefined ? value : spec.across === 'sum' ? before + value : Math.max(before, value);
      }
    }
    if (!any) continue;
    const kept = Object.keys(lines).sort().slice(0, MAX_LINES);
    out[spec.id] = Object.fromEntries(kept.map((l) => [l, lines[l] as number]));
  }
  return out;
}
