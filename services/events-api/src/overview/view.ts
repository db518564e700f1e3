import type { OverviewPoint, TargetHealth } from './sampler.js';
import { CHART_IDS, type ChartId } from './series.js';

export interface Line {
  label: string;
  /** One per time; null where this line had no value (not reported yet, or nothing answered). */
  values: Array<number | null>;
}

export interface OverviewView {
  intervalMs: number;
  windowMs: number;
  /** Epoch ms of this answer: the window ends here. */
  now: number;
  /** Epoch ms of each sample, oldest first. */
  times: number[];
  /** Per sample, how many targets did not answer: a value there lacks their share. */
  missing: number[];
  series: Record<ChartId, Line[]>;
  targets: TargetHealth[];
}

/** Three decimals are plenty for a chart and keep an hour of samples small. */
const round = (v: number): number => Math.round(v * 1000) / 1000;

/** The samples of the last `windowMs` as aligned lines per chart. */
export function buildView(
  points: readonly OverviewPoint[],
  targets: TargetHealth[],
  opts: { intervalMs: number; windowMs: number; now: number },
): OverviewView {
  const inWindow = points.filter((p) => p.at > opts.now - opts.windowMs);
  const series = {} as Record<ChartId, Line[]>;
  for (const id of CHART_IDS) {
    const labels = [...new Set(inWindow.flatMap((p) => Object.keys(p.readings[id] ?? {})))].sort();
    series[id] = labels.map((label) => ({
      label,
      values: inWindow.map((p) => {
        const v = p.readings[id]?.[label];
        return v === undefined ? null : round(v);
      }),
    }));
  }
  return {
    intervalMs: opts.intervalMs,
    windowMs: opts.windowMs,
    now: opts.now,
    times: inWindow.map((p) => p.at),
    missing: inWindow.map((p) => p.down.length),
    series,
    targets,
  };
}
