/** One injected fault and how long the fleet took to catch up after it ended. */
export interface FaultRecord {
  fault: string;
  /** How long the fault lasted (ms). */
  durationMs: number;
  /**
   * From the end of the fault until the group's committed offsets reached the topic's end as
   * it was when the fault ended; null when it was skipped.
   */
  recoveryMs: number | null;
  /** Anything specific: lag when a replica was killed, pending enrichments drained, … */
  detail?: string;
  /** Why the fault was not injected. */
  skipped?: string;
}

export interface FaultFigures {
  profile: string;
  seed: number;
  wallMs: number;
  trafficMs: number;
  /** Requests by outcome ("200", "401", "400", "503", "timeout", …). */
  requests: Record<string, number>;
  /** Event copies posted, duplicates and retries included. */
  eventsSent: number;
  /** Distinct events (unique keys) posted. */
  distinctSent: number;
  acknowledged: number;
  /** Acknowledged only after an earlier delivery of them failed (5xx, 429, timeout). */
  acknowledgedOnRetry: number;
  refused: number;
  /** Posted only in failed requests and never acknowledged by a retry. */
  unacknowledged: number;
  /** Deliberate duplicate copies posted (re-posts and in-batch repeats). */
  duplicateCopiesSent: number;
  stored: number;
  /** Rows beyond the first for one unique key. */
  duplicates: number;
  /** Acknowledged events with no row. */
  lost: number;
  /** Events only ever refused, yet stored. */
  refusedStored: number;
  /** Stored events from failed requests that were never acknowledged (allowed; reported apart). */
  unacknowledgedStored: number;
  /** Stored events the generator never sent at all. */
  unknownStored: number;
  kafkaMessages: number;
  kafkaDistinct: number;
  /** Acknowledged events missing from the topic. */
  kafkaMissing: number;
  /** Refused events found on the topic. */
  kafkaRefused: number;
  deadLettered: number;
  /** Messages the processors sent to their retry topic (events the database refused for a non-transient reason). */
  retried: number;
  objects: number;
  stateMismatches: number;
  pendingEnrichment: number;
  acknowledgedPerSec: number;
  faults: FaultRecord[];
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

/** A plain-text table of a run's figures, for the test's output and the README. */
export function formatFigures(f: FaultFigures): string {
  const rows: Array<[string, string]> = [
    ['profile / seed', `${f.profile} / ${f.seed}`],
    ['wall time / traffic time', `${(f.wallMs / 1000).toFixed(1)} s / ${(f.trafficMs / 1000).toFixed(1)} s`],
    [
      'requests',
      Object.entries(f.requests)
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    ],
    ['events sent (copies, incl. duplicates and retries)', String(f.eventsSent)],
    ['distinct events sent', String(f.distinctSent)],
    ['duplicate copies sent', String(f.duplicateCopiesSent)],
    ['acknowledged (distinct)', String(f.acknowledged)],
    ['  of which only on a retry after a 5xx/429/timeout', String(f.acknowledgedOnRetry)],
    ['refused (distinct)', String(f.refused)],
    ['never acknowledged (5xx/timeout, not retried ok)', String(f.unacknowledged)],
    ['stored rows', String(f.stored)],
    ['duplicates (extra rows per unique key)', String(f.duplicates)],
    ['lost (acknowledged, not stored)', String(f.lost)],
    ['refused but stored', String(f.refusedStored)],
    ['unacknowledged but stored', String(f.unacknowledgedStored)],
    ['stored but never sent', String(f.unknownStored)],
    ['Kafka messages / distinct events', `${f.kafkaMessages} / ${f.kafkaDistinct}`],
    ['acknowledged missing from Kafka / refused on Kafka', `${f.kafkaMissing} / ${f.kafkaRefused}`],
    ['sent to the retry topic / dead-lettered', `${f.retried} / ${f.deadLettered}`],
    ['objects / state mismatches vs clean replay', `${f.objects} / ${f.stateMismatches}`],
    ['pending enrichment at the end', String(f.pendingEnrichment)],
    ['throughput (acknowledged events/s)', f.acknowledgedPerSec.toFixed(1)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    'fault-injection figures',
    ...rows.map(([k, v]) => `  ${pad(k, w)}  ${v}`),
    '',
    `  ${pad('fault', 34)} ${lpad('lasted', 9)} ${lpad('recovery', 10)}  detail`,
  ];
  for (const r of f.faults) {
    const lasted = `${(r.durationMs / 1000).toFixed(1)} s`;
    const rec = r.recoveryMs === null ? '-' : `${r.recoveryMs} ms`;
    lines.push(`  ${pad(r.fault, 34)} ${lpad(lasted, 9)} ${lpad(rec, 10)}  ${r.skipped ? `skipped: ${r.skipped}` : (r.detail ?? '')}`);
  }
  return `${lines.join('\n')}\n`;
}
