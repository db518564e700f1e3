import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createKafka, ensureTopics, type Kafka } from '@hookstream/kafka';
import { createLogger, type Logger } from '@hookstream/observability';
import { createDataSource, runMigrations } from '@hookstream/store';
import {
  createDatabase,
  dropDatabase,
  startDatabaseServer,
  startFakeHubSpot,
  startKafka,
  uniqueName,
  KAFKA_VERSION,
  type FakeHubSpot,
} from '@hookstream/testkit';
import { processCpuMs, spawnService, type ServiceProcess } from './procs.js';
import { BENCH_HUBSPOT_TOKEN, BENCH_PORTAL, BENCH_SECRET } from './workload.js';

type Admin = ReturnType<Kafka['admin']>;

export interface BenchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface BenchEnv {
  root: string;
  runId: string;
  resultsDir: string;
  logDir: string;
  log: Logger;
  brokers: string[];
  /** mysql://… of the database server, without a database. */
  databaseServerUrl: string;
  kafka: Kafka;
  admin: Admin;
  fake: FakeHubSpot;
  infra: { kafka: string; database: string; databaseVersion: string };
  /** A fresh database with the current migrations applied. */
  newDatabase(prefix: string): Promise<BenchDatabase>;
  /** Creates a topic of `partitions` partitions (12, like hubspot.events). */
  newTopic(prefix: string, partitions?: number): Promise<string>;
  /** Environment every service process gets: the broker, the secret, the fake HubSpot. */
  serviceEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Starts a service's real entry point (see procs.ts); profiled when BENCH_CPU_PROF names it. */
  spawn(name: string, entry: string, env: NodeJS.ProcessEnv, readyPath?: string): Promise<ServiceProcess>;
  /** CPU ms used so far by the broker and database server processes, where this machine runs them (else NaN). */
  infraCpuMs(): { broker: number; database: number };
  progress(line: string): void;
  close(): Promise<void>;
}

/** The pid listening on a loopback port (ss from iproute2), or undefined. */
function pidOnPort(port: string | undefined): number | undefined {
  if (!port) return undefined;
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const pid = /pid=(\d+)/.exec(out)?.[1];
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

/** Which processes get --cpu-prof: BENCH_CPU_PROF=edge,processor,events-api,bare (or "all"). */
function profiled(name: string): boolean {
  const want = (process.env.BENCH_CPU_PROF ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return want.includes('all') || want.some((w) => name === w || name.startsWith(`${w}-`));
}

export async function createBenchEnv(root: string, runId: string): Promise<BenchEnv> {
  const resultsDir = join(root, 'bench', 'results');
  const logDir = join(resultsDir, 'logs', runId);
  mkdirSync(logDir, { recursive: true });
  const log = createLogger({ name: 'bench', level: process.env.BENCH_LOG_LEVEL ?? 'warn' });
  const started = Date.now();
  const progress = (line: string): void => {
    process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
  };

  progress('starting Kafka and the database');
  const broker = await startKafka({ log, port: 0 });
  const dbServer = await startDatabaseServer({ log });
  const kafka = createKafka({ brokers: broker.brokers, clientId: `bench-${runId}`, log });
  const admin = kafka.admin();
  await admin.connect();
  const brokerPid = pidOnPort(broker.brokers[0]?.split(':')[1]);
  const databasePid = pidOnPort(new URL(dbServer.url).port || '3306');
  const fake = await startFakeHubSpot({ tokens: new Map([[BENCH_PORTAL, BENCH_HUBSPOT_TOKEN]]), log: false, rateLimitMax: 1_000_000 });
  const databases: string[] = [];
  const children: ServiceProcess[] = [];
  const versionDs = createDataSource({ url: await createDatabase(dbServer.url, 'hs_bench_probe'), log });
  await versionDs.initialize();
  const [v] = (await versionDs.query('SELECT VERSION() AS v')) as Array<{ v: string }>;
  await versionDs.destroy();
  await dropDatabase(dbServer.url, 'hs_bench_probe');

  return {
    root,
    runId,
    resultsDir,
    logDir,
    log,
    brokers: broker.brokers,
    databaseServerUrl: dbServer.url,
    kafka,
    admin,
    fake,
    infra: { kafka: `${broker.source} (Kafka ${KAFKA_VERSION})`, database: dbServer.source, databaseVersion: v?.v ?? 'unknown' },
    async newDatabase(prefix) {
      const name = uniqueName(`hs_bench_${prefix}`);
      const url = await createDatabase(dbServer.url, name);
      databases.push(name);
      const ds = createDataSource({ url, log });
      await ds.initialize();
      await runMigrations(ds);
      await ds.destroy();
      return { url, name, drop: () => dropDatabase(dbServer.url, name) };
    },
    async newTopic(prefix, partitions = 12) {
      const topic = `bench.${prefix}.${runId}.${Math.random().toString(36).slice(2, 8)}`;
      await ensureTopics(kafka, [{ topic, numPartitions: partitions }], log);
      return topic;
    },
    serviceEnv(extra) {
      return {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        KAFKA_BROKERS: broker.brokers.join(','),
        HUBSPOT_CLIENT_SECRET: BENCH_SECRET,
        HUBSPOT_API_BASE_URL: fake.url,
        HUBSPOT_ACCESS_TOKEN: BENCH_HUBSPOT_TOKEN,
        LOG_LEVEL: 'info',
        ...extra,
      };
    },
    async spawn(name, entry, env, readyPath) {
      const nodeArgs = profiled(name)
        ? ['--cpu-prof', `--cpu-prof-dir=${join(resultsDir, 'profiles', runId)}`, `--cpu-prof-name=${name}-\${pid}.cpuprofile`]
        : [];
      const p = await spawnService({ root, name, entry, env, logDir, nodeArgs, ...(readyPath ? { readyPath } : {}) });
      children.push(p);
      return {
        ...p,
        stop: async () => {
          await p.stop();
          const i = children.indexOf(p);
          if (i >= 0) children.splice(i, 1);
        },
      };
    },
    infraCpuMs: () => ({ broker: brokerPid ? processCpuMs(brokerPid) : Number.NaN, database: databasePid ? processCpuMs(databasePid) : Number.NaN }),
    progress,
    async close() {
      for (const c of [...children]) await c.stop().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await fake.close().catch(() => undefined);
      for (const name of databases) await dropDatabase(dbServer.url, name).catch(() => undefined);
      await broker.stop().catch(() => undefined);
      await dbServer.stop().catch(() => undefined);
    },
  };
}

/** What the machine is and what else ran on it, recorded with every result. */
export function machineConditions(): Record<string, unknown> {
  let busy: string[] = [];
  try {
    busy = execFileSync('ps', ['-eo', 'pcpu,rss,comm,args', '--sort=-pcpu'], { encoding: 'utf8' })
      .split('\n')
      .slice(1, 9)
      .map((l) => l.trim().replace(/\s+/g, ' ').slice(0, 160))
      .filter(Boolean);
  } catch {
    busy = ['(ps unavailable)'];
  }
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    topProcesses: busy,
  };
}
