import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { InfraError } from './errors.js';
import { randomClusterId, renderServerProperties } from './kafka-config.js';
import { kafkaJarsDir } from './kafka-jars.js';
import { fileSize, formatStorage, spawnBroker, waitForBroker, type BrokerLaunch, type BrokerProcess } from './kafka-process.js';
import type { KafkaHandle } from './kafka-types.js';
import { canConnect, freePort } from './net.js';
import { dockerKafkaDir, kafkaCacheDir } from './paths.js';

export interface LocalKafkaOptions {
  log: Logger;
  /** 0 or omitted: an OS-assigned free port (tests). A fixed port (9092) is for the local fleet. */
  port?: number;
  /**
   * Kept as is across stops. Default: with port 0 a fresh temp dir removed by stop(); with a
   * fixed port <cache>/kafka-<version>/data-<port>, so the fleet's topics survive restarts.
   */
  dataDir?: string;
  /** With a fixed port: if something already answers there, use it instead of starting a broker. */
  reuseIfRunning?: boolean;
  /** How long one start may take; default 90 s (a cold JVM on a loaded 2-core machine). */
  startTimeoutMs?: number;
  cacheDir?: string;
  /**
   * Client listeners besides PLAINTEXT (SSL, SASL_SSL…), each on its own free port; their
   * properties (keystores, JAAS) go in `properties`. The ports are in the handle's `listenerPorts`.
   */
  listeners?: ReadonlyArray<{ name: string; protocol: 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT' }>;
  /** server.properties entries added last (they override the defaults). */
  properties?: Readonly<Record<string, string | number | boolean>>;
  /** More arguments of the storage format, e.g. `--add-scram SCRAM-SHA-256=[name=u,password=p]`. */
  formatArgs?: readonly string[];
}

/** A broker this process runs from the Maven jars; fault-injection tests kill and restart it. */
export interface LocalKafkaHandle extends KafkaHandle {
  readonly source: 'local';
  /** False when reuseIfRunning found a broker someone else started; kill/restart then reject. */
  readonly owned: boolean;
  readonly dataDir: string;
  /** log4j2 output of the broker; the first place to look when it misbehaves. */
  readonly logFile: string;
  /** Port of each of `options.listeners`, by name. */
  readonly listenerPorts: Readonly<Record<string, number>>;
  /** SIGKILL, like a crashed machine minus the page cache loss; waits until the JVM is gone. */
  kill(): Promise<void>;
  /** Stops the broker if running (gracefully) and starts it again on the same port and data dir. */
  restart(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 90_000;
const GRACEFUL_STOP_MS = 30_000;

export async function startLocalKafka(opts: LocalKafkaOptions): Promise<LocalKafkaHandle> {
  const log = opts.log.child({ component: 'local-kafka' });
  const requestedPort = opts.port ?? 0;
  if (requestedPort !== 0 && opts.reuseIfRunning && (await canConnect(requestedPort))) {
    log.info({ port: requestedPort }, 'a broker already answers on this port; reusing it');
    return reusedHandle(requestedPort);
  }

  const jarsDir = await kafkaJarsDir({ log, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) });
  const brokerPort = requestedPort !== 0 ? requestedPort : await freePort();
  let controllerPort = await freePort();
  while (controllerPort === brokerPort) controllerPort = await freePort();
  const taken = new Set([brokerPort, controllerPort]);
  const extraListeners: Array<{ name: string; protocol: 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT'; port: number }> = [];
  for (const l of opts.listeners ?? []) {
    let p = await freePort();
    while (taken.has(p)) p = await freePort();
    taken.add(p);
    extraListeners.push({ ...l, port: p });
  }

  const ephemeral = !opts.dataDir && requestedPort === 0;
  const dataDir =
    opts.dataDir ?? (ephemeral ? await mkdtemp(join(tmpdir(), 'hookstream-kafka-')) : join(opts.cacheDir ?? kafkaCacheDir(), `data-${brokerPort}`));
  const logsDir = join(dataDir, 'logs');
  const metadataDir = join(dataDir, 'kraft');
  await mkdir(logsDir, { recursive: true });
  const propertiesFile = join(dataDir, 'server.properties');
  await writeFile(
    propertiesFile,
    renderServerProperties({
      brokerPort,
      controllerPort,
      logDirs: metadataDir,
      extraListeners,
      ...(opts.properties ? { extraProperties: opts.properties } : {}),
    }),
  );

  const launch: BrokerLaunch = { jarsDir, propertiesFile, logsDir, log4jConfig: join(dockerKafkaDir(), 'log4j2.xml') };
  const serverLog = join(logsDir, 'server.log');
  if (!existsSync(join(metadataDir, 'meta.properties'))) await formatStorage(launch, randomClusterId(), opts.formatArgs);

  let proc: BrokerProcess | undefined;
  const startOnce = async (): Promise<void> => {
    const started = Date.now();
    const logOffset = await fileSize(serverLog);
    const p = await spawnBroker(launch);
    proc = p;
    await waitForBroker({
      proc: p,
      port: brokerPort,
      serverLog,
      logOffset,
      timeoutMs: opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      stdoutLog: join(logsDir, 'stdout.log'),
    });
    log.info({ port: brokerPort, pid: p.pid, dataDir, ms: Date.now() - started }, 'local Kafka broker started');
  };
  const stopProcess = async (): Promise<void> => {
    const p = proc;
    if (!p?.alive()) return;
    p.signal('SIGTERM');
    const timer = setTimeout(() => p.signal('SIGKILL'), GRACEFUL_STOP_MS);
    await p.exited;
    clearTimeout(timer);
  };

  try {
    await startOnce();
  } catch (err) {
    if (ephemeral) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    brokers: [`127.0.0.1:${brokerPort}`],
    source: 'local',
    owned: true,
    dataDir,
    logFile: serverLog,
    listenerPorts: Object.fromEntries(extraListeners.map((l) => [l.name, l.port])),
    async stop() {
      await stopProcess();
      if (ephemeral) await rm(dataDir, { recursive: true, force: true });
      log.info({ port: brokerPort }, 'local Kafka broker stopped');
    },
    async kill() {
      const p = proc;
      if (!p?.alive()) return;
      p.signal('SIGKILL');
      await p.exited;
      log.info({ port: brokerPort, pid: p.pid }, 'local Kafka broker killed');
    },
    async restart() {
      await stopProcess();
      await startOnce();
    },
  };
}

function reusedHandle(port: number): LocalKafkaHandle {
  const notOwned = (): Promise<void> =>
    Promise.reject(new InfraError('KAFKA_NOT_OWNED', `the broker on 127.0.0.1:${port} was started by another process; this one cannot kill or restart it`));
  return {
    brokers: [`127.0.0.1:${port}`],
    source: 'local',
    owned: false,
    dataDir: '',
    logFile: '',
    listenerPorts: {},
    stop: () => Promise.resolve(),
    kill: notOwned,
    restart: notOwned,
  };
}
