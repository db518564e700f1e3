/**
 * Summarises a V8 .cpuprofile (from BENCH_CPU_PROF=<service>): self time by function and by
 * package, the evidence behind each tuning change.
 *
 *   node scripts/bootstrap.mjs run test/bench/profile-summary.ts bench/results/profiles/<run>/edge-<pid>.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (!url) return '(native/gc/idle)';
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith('node:')) return 'node core';
  const ws = /\/(packages|services|test)\/([^/]+)\//.exec(url);
  return ws ? `${ws[1]}/${ws[2]}` : url;
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(packages|services|test)\//, '$1/')}:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    pkg.set(packageOf(url), (pkg.get(packageOf(url)) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
  const rows = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)}  ${k}`);
  return [`total sampled: ${(total / 1e6).toFixed(1)} s`, '', 'self time by package:', ...rows(pkg, 15), '', 'self time by function:', ...rows(fn, top)].join(
    '\n',
  );
}

const [file, top] = process.argv.slice(2);
if (file) process.stdout.write(`${summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25))}\n`);
