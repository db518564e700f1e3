import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@hookstream/testkit';
import { startService, type ServiceProcess } from '../support/process.js';
import { waitUntil } from '../support/wait.js';

export interface ProcessFleetOptions {
  brokers: string;
  topic: string;
  dlqTopic: string;
  retryTopic: string;
  groupId: string;
  /** The processors' DATABASE_URL (through the fault proxy). */
  databaseUrl: string;
  hubspotUrl: string;
  hubspotToken: string;
  secret: string;
}

export interface ProcessorProcess {
  /** p1, p2, …: one per process started, so a restarted replica is a new name. */
  name: string;
  /** Its Kafka client id, which the group's member list shows. */
  clientId: string;
  service: ServiceProcess;
}

export interface ProcessFleet {
  readonly edgeUrl: string;
  /** Processors currently running. */
  readonly processors: ReadonlyMap<string, ProcessorProcess>;
  /** Starts one processor and resolves once it says it is running (it may still be joining the group). */
  addProcessor(): Promise<ProcessorProcess>;
  /** SIGKILL: no shutdown code runs; resolves when the process is gone. */
  kill(name: string): Promise<void>;
  /** SIGTERM: the graceful path; resolves with the exit code. */
  terminate(name: string): Promise<number | null>;
  /** Processes that exited without being told to (a crash is a failure of the run). */
  unexpectedExits(): string[];
  /** Writes every process's output to `dir`, one file each (kept for post-mortems). */
  saveLogs(dir: string): void;
  stop(): Promise<void>;
}

/** Waits for `ready` while the process lives; a process that exits during start-up fails at once with its output. */
async function started(s: ServiceProcess, what: string, ready: () => Promise<boolean>): Promise<void> {
  let done = false;
  const early = s.exited.then((e) => {
    if (!done) throw new Error(`${what} exited with ${e.code ?? e.signal} during start-up:\n${s.output().slice(-3000)}`);
  });
  try {
    await Promise.race([waitUntil(`${what} to start`, ready, 120_000, 200), early]);
  } finally {
    done = true;
  }
}

const logged = (s: ServiceProcess, msg: string) => async () => s.output().includes(`"msg":"${msg}"`);

/**
 * The services as separate processes through their real main.ts: one edge and any number of
 * processor replicas in one consumer group, all on loopback.
 */
export async function startProcessFleet(opts: ProcessFleetOptions): Promise<ProcessFleet> {
  const all: Array<{ name: string; service: ServiceProcess }> = [];
  const processors = new Map<string, ProcessorProcess>();
  const told = new Set<string>();
  const crashed: string[] = [];
  let stopping = false;
  let n = 0;

  const edgePort = await freePort();
  const edge = startService('edge', {
    KAFKA_BROKERS: opts.brokers,
    KAFKA_TOPIC: opts.topic,
    HUBSPOT_CLIENT_SECRET: opts.secret,
    PORT: String(edgePort),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  all.push({ name: 'edge', service: edge });
  await started(edge, 'the edge', async () => (await fetch(`http://127.0.0.1:${edgePort}/readyz`)).ok);
  const edgeUrl = `http://127.0.0.1:${edgePort}/webhooks/hubspot`;
  void edge.exited.then((e) => {
    if (!stopping) crashed.push(`edge exited with ${e.code ?? e.signal}:\n${edge.output().slice(-2000)}`);
  });

  const stopOne = async (s: ServiceProcess): Promise<void> => {
    if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
    s.signal('SIGTERM');
    const timer = setTimeout(() => s.signal('SIGKILL'), 30_000);
    await s.exited;
    clearTimeout(timer);
  };

  return {
    edgeUrl,
    processors,
    async addProcessor() {
      n += 1;
      const name = `p${n}`;
      const clientId = `fault-${name}`;
      const service = startService('processor', {
        KAFKA_BROKERS: opts.brokers,
        KAFKA_TOPIC: opts.topic,
        KAFKA_DLQ_TOPIC: opts.dlqTopic,
        KAFKA_RETRY_TOPIC: opts.retryTopic,
        // Events the database refuses come back within seconds, not the default minutes.
        PROCESSOR_RETRY_BASE_MS: '1000',
        PROCESSOR_RETRY_MAX_MS: '5000',
        KAFKA_GROUP_ID: opts.groupId,
        KAFKA_CLIENT_ID: clientId,
        DATABASE_URL: opts.databaseUrl,
        DATABASE_POOL_SIZE: '4',
        HUBSPOT_API_BASE_URL: opts.hubspotUrl,
        HUBSPOT_ACCESS_TOKEN: opts.hubspotToken,
        // Short HubSpot waits and retries, so a HubSpot outage is over within the run.
        ENRICH_INLINE_BUDGET_MS: '1500',
        ENRICH_RETRY_BASE_MS: '500',
        ENRICH_RETRY_MAX_MS: '3000',
        ENRICH_SWEEP_INTERVAL_MS: '500',
        PORT: '0',
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: '25000',
      });
      all.push({ name, service });
      const p: ProcessorProcess = { name, clientId, service };
      processors.set(name, p);
      void service.exited.then((e) => {
        processors.delete(name);
        if (!told.has(name) && !stopping) crashed.push(`${name} exited with ${e.code ?? e.signal}:\n${service.output().slice(-2000)}`);
      });
      await started(service, `processor ${name}`, logged(service, 'processor running'));
      return p;
    },
    async kill(name) {
      const p = processors.get(name);
      if (!p) throw new Error(`no running processor ${name}`);
      told.add(name);
      p.service.signal('SIGKILL');
      await p.service.exited;
    },
    async terminate(name) {
      const p = processors.get(name);
      if (!p) throw new Error(`no running processor ${name}`);
      told.add(name);
      p.service.signal('SIGTERM');
      return (await p.service.exited).code;
    },
    unexpectedExits: () => [...crashed],
    saveLogs(dir) {
      mkdirSync(dir, { recursive: true });
      for (const { name, service } of all) writeFileSync(join(dir, `${name}.log`), service.output());
    },
    async stop() {
      stopping = true;
      await Promise.all([...processors.values()].map((p) => stopOne(p.service)));
      await stopOne(edge);
    },
  };
}
