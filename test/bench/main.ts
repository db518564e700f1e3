/**
 * `npm run bench` (quick profile) / `npm run bench:full`: the benchmark suite against the
 * machine's own ceilings, measured in the same run. Prints one table and writes
 * bench/results/<run>.json and bench/results/latest.json. See README "Benchmarks".
 *
 *   --profile quick|full     sizes (default quick)
 *   --only edge,processor,e2e,enrichment,events-api,deliveries,location,scale-out,kafka-clients   some sections only (e2e needs the edge and processor ones)
 */
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBenchEnv, machineConditions, type BenchEnv } from './env.js';
import { loadProfile, type Profile } from './profiles.js';
import { renderTable, score, writeReport, type BenchReport, type Figure } from './report.js';
import { runDeliveriesSection } from './sections/deliveries.js';
import { runE2eSection } from './sections/e2e.js';
import { runEdgeSection } from './sections/edge.js';
import { runEnrichmentSection } from './sections/enrichment.js';
import { runEventsApiSection } from './sections/events-api.js';
import { runKafkaClientsSection } from './sections/kafka-clients.js';
import { runLocationSection } from './sections/location.js';
import { runProcessorSection } from './sections/processor.js';
import { runScaleOutSection } from './sections/scale-out.js';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const SECTIONS = ['edge', 'processor', 'e2e', 'enrichment', 'events-api', 'deliveries', 'location', 'scale-out', 'kafka-clients'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { profile: { type: 'string', default: 'quick' }, only: { type: 'string' } } });
const profile: Profile = loadProfile(values.profile ?? 'quick');
const only = new Set((values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()));
for (const s of only) if (!(SECTIONS as readonly string[]).includes(s)) throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);

const started = new Date();
const runId = `${started.toISOString().replace(/[:.]/g, '-').replace('Z', '')}-${profile.name}`;
const figures: Figure[] = [];
const errors: BenchReport['errors'] = [];
const conditionsBefore = machineConditions();

let env: BenchEnv | undefined;
const state: { edgeRps?: number; processorEps?: number } = {};

async function section(name: Section, run: (env: BenchEnv) => Promise<void>): Promise<void> {
  if (!only.has(name) || !env) return;
  try {
    await run(env);
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    errors.push({ section: name, message });
    env.progress(`section ${name} failed: ${message}`);
  }
}

process.once('SIGINT', () => {
  void env?.close().finally(() => process.exit(130));
});

try {
  env = await createBenchEnv(root, runId);
  await section('edge', async (e) => {
    const r = await runEdgeSection(e, profile);
    figures.push(...r.figures);
    state.edgeRps = r.edgeRps;
  });
  await section('processor', async (e) => {
    const r = await runProcessorSection(e, profile);
    figures.push(...r.figures);
    state.processorEps = r.twoReplicaEps;
  });
  await section('e2e', async (e) => {
    figures.push(...(await runE2eSection(e, profile, state)));
  });
  await section('enrichment', async (e) => {
    figures.push(...(await runEnrichmentSection(e, profile)));
  });
  await section('events-api', async (e) => {
    figures.push(...(await runEventsApiSection(e, profile)));
  });
  await section('deliveries', async (e) => {
    // Figures are pushed as each phase measures them, so a later phase failing keeps them.
    await runDeliveriesSection(e, profile, (f) => figures.push(f));
  });
  await section('location', async (e) => {
    await runLocationSection(e, profile, (f) => figures.push(f));
  });
  await section('scale-out', async (e) => {
    await runScaleOutSection(e, profile, (f) => figures.push(f));
  });
  await section('kafka-clients', async (e) => {
    await runKafkaClientsSection(e, profile, (f) => figures.push(f));
  });
} catch (err) {
  errors.push({ section: 'setup', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
} finally {
  await env?.close();
}

const finished = new Date();
const scored = figures.map(score);
const report: BenchReport = {
  profile: profile.name,
  runId,
  startedAt: started.toISOString(),
  finishedAt: finished.toISOString(),
  durationSec: Math.round((finished.getTime() - started.getTime()) / 1000),
  conditions: {
    ...conditionsBefore,
    loadavgAtEnd: machineConditions().loadavg,
    infra: env?.infra,
    settings: { edgeEnv: profile.edgeEnv, processorEnv: profile.processorEnv, cpuProfiles: process.env.BENCH_CPU_PROF ?? '' },
  },
  figures: scored,
  errors,
};
const file = writeReport(join(root, 'bench', 'results'), report);
process.stdout.write(
  `\nHookstream benchmarks, ${profile.name} profile, ${report.durationSec} s, ${String(conditionsBefore.cpus)} cores (${String(conditionsBefore.cpuModel)}), ${env?.infra.kafka ?? '?'}, ${env?.infra.databaseVersion ?? '?'}\n\n`,
);
process.stdout.write(`${renderTable(scored)}\n\n`);
for (const f of scored) if (f.note) process.stdout.write(`- ${f.label}: ${f.note}\n`);
for (const e of errors) process.stdout.write(`! section ${e.section} failed: ${e.message.split('\n')[0]}\n`);
process.stdout.write(`\nresults: ${relative(root, file)} (and bench/results/latest.json)\n`);
process.exit(errors.length > 0 ? 1 : 0);
