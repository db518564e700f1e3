import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * A small line chart drawn as inline SVG, no library: one line per label over a time axis,
 * gaps where a value is missing (null), and the samples some metrics target did not answer
 * marked under the axis. Screen readers get the chart's summary as the image's name and the
 * latest values as a table; keyboard users move a cursor along the samples with the arrow keys.
 */

export interface ChartLine {
  label: string;
  values: ReadonlyArray<number | null>;
}

export interface LineChartProps {
  title: string;
  /** Short unit after values: "/s", "/min", " messages". */
  unit: string;
  times: readonly number[];
  lines: readonly ChartLine[];
  /** Per sample, how many targets did not answer. */
  missing: readonly number[];
  /** The span the x axis covers, ending now. */
  windowMs: number;
  now: number;
  /** Decimals shown (rates 2, counts 0). */
  decimals: number;
}

const W = 640;
const H = 220;
const PAD = { left: 52, right: 12, top: 12, bottom: 34 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;
/** Told apart by colour and by dash, so the lines differ without colour too. */
const STYLES = [
  { color: '#0b5cad', dash: '' },
  { color: '#c2410c', dash: '6 3' },
  { color: '#0f6b36', dash: '2 3' },
  { color: '#7c3aed', dash: '10 3 2 3' },
  { color: '#b91c1c', dash: '4 4' },
  { color: '#0e7490', dash: '1 2' },
];

export const styleOf = (i: number): { color: string; dash: string } => STYLES[i % STYLES.length] as { color: string; dash: string };

export function formatValue(v: number | null | undefined, decimals: number, unit: string): string {
  if (v === null || v === undefined) return 'no value';
  return `${v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${unit}`;
}

const clock = (ms: number): string => new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** The last non-null value of a line, and when. */
export function latest(line: ChartLine, times: readonly number[]): { value: number | null; at: number | null } {
  for (let i = line.values.length - 1; i >= 0; i--) {
    const v = line.values[i];
    if (v !== null && v !== undefined) return { value: v, at: times[i] ?? null };
  }
  return { value: null, at: null };
}

/** A round top for the y axis: 1, 2 or 5 times a power of ten at or above max. */
function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Whole ticks without decimals; 0.5 as 0.5, 0.05 as 0.05. */
const tickDecimals = (v: number): number => (Number.isInteger(v) ? 0 : v < 0.1 ? 2 : 1);

/** SVG path of a line, broken where a value is missing. */
function pathOf(values: ReadonlyArray<number | null>, x: (i: number) => number, y: (v: number) => number): string {
  let d = '';
  let run = 0;
  // A lone value between gaps becomes a dot: a zero-length segment drawn with round caps.
  const endRun = (): void => {
    if (run === 1) d += 'l0.01,0';
    run = 0;
  };
  values.forEach((v, i) => {
    if (v === null) return endRun();
    d += `${run > 0 ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    run++;
  });
  endRun();
  return d;
}

export function LineChart(props: LineChartProps): ReactNode {
  const { title, unit, times, lines, missing, windowMs, now, decimals } = props;
  const id = useId();
  const [cursor, setCursor] = useState<number | null>(null);
  const from = now - windowMs;
  const x = (i: number): number => PAD.left + (((times[i] ?? now) - from) / windowMs) * PLOT_W;
  const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.values.filter((v): v is number => v !== null))));
  const y = (v: number): number => PAD.top + PLOT_H - (v / max) * PLOT_H;
  const summary =
    lines.length === 0
      ? `${title}: no data in the last ${Math.round(windowMs / 60_000)} minutes`
      : `${title} over the last ${Math.round(windowMs / 60_000)} minutes, latest: ${lines
          .map((l) => `${l.label} ${formatValue(latest(l, times).value, decimals, unit)}`)
          .join(', ')}`;
  const at = cursor === null ? null : Math.min(cursor, times.length - 1);

  const onKeyDown = (e: KeyboardEvent<SVGSVGElement>): void => {
    if (times.length === 0) return;
    const last = times.length - 1;
    const next: Record<string, number> = { ArrowLeft: Math.max(0, (at ?? last + 1) - 1), ArrowRight: Math.min(last, (at ?? last) + 1), Home: 0, End: last };
    if (e.key === 'Escape') return setCursor(null);
    const n = next[e.key];
    if (n === undefined) return;
    e.preventDefault();
    setCursor(n);
  };

  return (
    <figure className="chart" aria-labelledby={`${id}-t`}>
      <figcaption>
        <h2 id={`${id}-t`}>{title}</h2>
      </figcaption>
      <svg
        className="chart-svg"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={summary}
        aria-describedby={`${id}-k`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onBlur={() => setCursor(null)}
      >
        {[0, 0.5, 1].map((f) => (
          <g key={f} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} />
            <text x={PAD.left - 6} y={y(max * f) + 4} textAnchor="end">
              {formatValue(max * f, tickDecimals(max * f), '')}
            </text>
          </g>
        ))}
        {[0, 0.5, 1].map((f) => (
          <text key={f} className="chart-axis" x={PAD.left + f * PLOT_W} y={H - 8} textAnchor={f === 0 ? 'start' : f === 1 ? 'end' : 'middle'}>
            {f === 1 ? 'now' : `−${Math.round(((1 - f) * windowMs) / 60_000)} min`}
          </text>
        ))}
        {missing.map((m, i) => (m > 0 ? <rect key={times[i]} className="chart-missing" x={x(i) - 2} y={PAD.top + PLOT_H + 2} width={4} height={6} /> : null))}
        {lines.map((l, i) => (
          <path
            key={l.label}
            className="chart-line"
            d={pathOf(l.values, x, y)}
            stroke={styleOf(i).color}
            strokeDasharray={styleOf(i).dash || undefined}
            data-label={l.label}
          />
        ))}
        {at !== null ? <line className="chart-cursor" x1={x(at)} x2={x(at)} y1={PAD.top} y2={PAD.top + PLOT_H} /> : null}
      </svg>
      <p id={`${id}-k`} className="chart-readout" aria-live="polite">
        {at === null
          ? 'Focus the chart and use the arrow keys to read each sample.'
          : `${clock(times[at] ?? now)}: ${lines.map((l) => `${l.label} ${formatValue(l.values[at], decimals, unit)}`).join(', ') || 'no lines'}${
              (missing[at] ?? 0) > 0 ? ` (${missing[at]} target(s) did not answer)` : ''
            }`}
      </p>
      <ul className="chart-legend" aria-hidden="true">
        {lines.map((l, i) => (
          <li key={l.label}>
            <svg width="22" height="10">
              <line x1="0" x2="22" y1="5" y2="5" stroke={styleOf(i).color} strokeWidth="3" strokeDasharray={styleOf(i).dash || undefined} />
            </svg>
            {l.label} <span className="mono">{formatValue(latest(l, times).value, decimals, unit)}</span>
          </li>
        ))}
      </ul>
      <table className="sr-only">
        <caption>{title}, latest values</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Latest value</th>
            <th scope="col">At</th>
          </tr>
        </thead>
        <tbody>
          {lines.length === 0 ? (
            <tr>
              <td colSpan={3}>no data</td>
            </tr>
          ) : (
            lines.map((l) => {
              const last = latest(l, times);
              return (
                <tr key={l.label}>
                  <th scope="row">{l.label}</th>
                  <td>{formatValue(last.value, decimals, unit)}</td>
                  <td>{last.at === null ? '—' : clock(last.at)}</td>
                </tr>
              );
            })
          )}
        </tbody>
      </table>
    </figure>
  );
}
