import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.js';

/**
 * A target is either a minimum ratio to the ceiling measured in the same run, or an absolute
 * maximum (latencies). `ratio` is always "fraction of the ceiling reached": value/ceiling for
 * throughput, ceiling/value for latency and call counts, so 1.0 means "as good as the ceiling".
 */
export type Target = { kind: 'minRatio'; min: number } | { kind: 'maxValue'; max: number };

export interface Figure {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** The same quantity measured on what bounds it (bare Fastify, Kafka's own tool, raw mysql2, …). */
  ceiling?: number;
  ceilingLabel?: string;
  higherIsBetter: boolean;
  target?: Target;
  note?: string;
  details?: Record<string, unknown>;
}

export interface ScoredFigure extends Figure {
  ratio: number | null;
  pass: boolean | null;
}

export function score(f: Figure): ScoredFigure {
  const usable = f.ceiling !== undefined && Number.isFinite(f.ceiling) && f.ceiling > 0 && Number.isFinite(f.value) && f.value > 0;
  const ratio = usable ? (f.higherIsBetter ? f.value / (f.ceiling as number) : (f.ceiling as number) / f.value) : null;
  let pass: boolean | null = null;
  if (f.target?.kind === 'minRatio') pass = ratio === null ? false : ratio >= f.target.min;
  if (f.target?.kind === 'maxValue') pass = Number.isFinite(f.value) && f.value < f.target.max;
  return { ...f, ratio: ratio === null ? null : round(ratio, 3), pass };
}

function fmt(n: number | undefined, unit: string): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${round(n, digits).toLocaleString('en-US')} ${unit}`.trim();
}

function targetText(t: Target | undefined, unit: string): string {
  if (!t) return '—';
  return t.kind === 'minRatio' ? `ratio ≥ ${t.min}` : `< ${t.max} ${unit}`;
}

/** The one table `npm run bench` prints. */
export function renderTable(figures: readonly ScoredFigure[]): string {
  const rows = figures.map((f) => [
    f.label,
    fmt(f.value, f.unit),
    f.ceiling === undefined ? '—' : `${fmt(f.ceiling, f.unit)}${f.ceilingLabel ? ` (${f.ceilingLabel})` : ''}`,
    f.ratio === null ? '—' : f.ratio.toFixed(2),
    targetText(f.target, f.unit),
    f.pass === null ? '' : f.pass ? 'pass' : 'MISS',
  ]);
  const head = ['figure', 'value', 'ceiling (same run)', 'ratio', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface BenchReport {
  profile: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationSec: number;
  conditions: Record<string, unknown>;
  figures: ScoredFigure[];
  errors: Array<{ section: string; message: string }>;
}

/** Writes bench/results/<runId>.json and bench/results/latest.json; returns the first path. */
export function writeReport(resultsDir: string, report: BenchReport): string {
  mkdirSync(resultsDir, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = join(resultsDir, `${report.runId}.json`);
  writeFileSync(file, json);
  writeFileSync(join(resultsDir, 'latest.json'), json);
  return file;
}
