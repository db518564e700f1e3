import { useEffect, useId, useState, type ReactNode } from 'react';
import { call, describeError } from '../api';
import { LineChart, type ChartLine } from '../LineChart';

interface Target {
  name: string;
  up: boolean | null;
  lastScrapeAt: number | null;
  lastSuccessAt: number | null;
  error: string | null;
}

/** GET /overview (events-api overview/route.ts). */
interface Overview {
  intervalMs: number;
  windowMs: number;
  /** The server's clock when it answered: the x axis ends there. */
  now: number;
  times: number[];
  missing: number[];
  series: Record<'eventsPerSecond' | 'consumerLag' | 'deliveriesPerMinute' | 'dlqMessages', ChartLine[]>;
  targets: Target[];
}

const CHARTS = [
  { id: 'eventsPerSecond', title: 'Events per second, by provider', unit: '/s', decimals: 2 },
  { id: 'consumerLag', title: 'Consumer lag, by group', unit: ' messages', decimals: 0 },
  { id: 'deliveriesPerMinute', title: 'Deliveries per minute, by result', unit: '/min', decimals: 1 },
  { id: 'dlqMessages', title: 'Dead-letter topic sizes', unit: ' messages', decimals: 0 },
] as const;

const WINDOWS = [5, 15, 30, 60];
/** Never more often than this, whatever the sampling interval. */
const MIN_REFRESH_MS = 5_000;

const clock = (ms: number | null): string =>
  ms === null ? '—' : new Date(ms).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * The fleet at a glance: events-api samples every process's /metrics and keeps an hour; this
 * page charts it and refreshes as often as new samples arrive.
 */
export function OverviewPage(): ReactNode {
  const [minutes, setMinutes] = useState(60);
  const [paused, setPaused] = useState(false);
  const [data, setData] = useState<{ overview: Overview; at: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const windowId = useId();

  useEffect(() => {
    if (paused) return;
    let stale = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async (): Promise<void> => {
      let next = 15_000;
      try {
        const overview = await call<Overview>('GET', '/overview', { query: { minutes } });
        if (stale) return;
        setData({ overview, at: Date.now() });
        setError(null);
        next = Math.max(MIN_REFRESH_MS, overview.intervalMs);
      } catch (err) {
        if (stale) return;
        setError(describeError(err));
      }
      timer = setTimeout(() => void load(), next);
    };
    void load();
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [minutes, paused]);

  const o = data?.overview;
  const down = o?.targets.filter((t) => t.up === false) ?? [];
  return (
    <section aria-labelledby="overview-h">
      <h1 id="overview-h">Overview</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor={windowId}>window</label>
          <select id={windowId} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {WINDOWS.map((m) => (
              <option key={m} value={m}>
                last {m} minutes
              </option>
            ))}
          </select>
        </div>
        <button type="button" aria-pressed={paused} onClick={() => setPaused((p) => !p)}>
          {paused ? 'Resume refresh' : 'Pause refresh'}
        </button>
        <p className="sub">
          {data
            ? `Updated ${clock(data.at)}${paused ? ', paused' : `, every ${Math.round(Math.max(MIN_REFRESH_MS, o?.intervalMs ?? 0) / 1000)} s`}`
            : 'Loading…'}
        </p>
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      {down.length > 0 ? (
        <p className="error" role="alert">
          {down.length === 1 ? '1 metrics target does not answer' : `${down.length} metrics targets do not answer`}: {down.map((t) => t.name).join(', ')}. Their
          share is missing from the charts (samples marked in red under each axis), not counted as zero.
        </p>
      ) : null}
      {o ? (
        <>
          <div className="charts">
            {CHARTS.map((c) => (
              <LineChart
                key={c.id}
                title={c.title}
                unit={c.unit}
                decimals={c.decimals}
                times={o.times}
                lines={o.series[c.id]}
                missing={o.missing}
                windowMs={o.windowMs}
                now={o.now}
              />
            ))}
          </div>
          <Targets targets={o.targets} />
        </>
      ) : null}
    </section>
  );
}

function Targets({ targets }: { targets: readonly Target[] }): ReactNode {
  return (
    <div className="table-wrap">
      <table>
        <caption>Metrics targets</caption>
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col">Status</th>
            <th scope="col">Last answer</th>
          </tr>
        </thead>
        <tbody>
          {targets.map((t) => (
            <tr key={t.name}>
              <td className="mono">{t.name}</td>
              <td className={t.up === false ? 'target-down' : t.up ? 'target-up' : undefined}>
                {t.up === null ? 'not scraped yet' : t.up ? 'up' : `down: ${t.error ?? 'no answer'}`}
              </td>
              <td>{clock(t.lastSuccessAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
