import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { InfraError } from './errors.js';
import { randomClusterId, renderServerProperties } from './kafka-config.js';
import { kafkaJarsDir } from './kafka-jars.js';
import { fileSize, formatStorage, spawnBroker, waitForBroker, type BrokerLaunch, type BrokerProcess } from './kafka-process.js';
import { freePort } from './net.js';
import { dockerKafkaDir } from './paths.js';

export interface KafkaClusterOptions {
  log: Logger;
  /** Nodes, each a combined broker and controller (a quorum of this many voters). @default 3 */
  nodes?: number;
  /** Heap of each node's JVM in MiB; three nodes share a 2-core CI machine with the rest of a test run. @default 384 */
  maxHeapMb?: number;
  /**
   * Flags for every node's JVM. Default: C1 only (-XX:TieredStopAtLevel=1). Three JVMs compiling
   * at once on 2 busy cores took 34–43 s to start and 10–15 s to restart a node. With C1 only they
   * took about 22 s and 6–10 s, and a test cluster needs no peak throughput. [] gives the JVM's default.
   */
  jvmArgs?: readonly string[];
  /** How long the first start (all nodes at once) and each restart may take. @default 120 000 */
  startTimeoutMs?: number;
  cacheDir?: string;
  /** server.properties entries for every node, added last (they override the defaults). */
  properties?: Readonly<Record<string, string | number | boolean>>;
}

/** One node of the cluster: its broker id is its KRaft node id. */
export interface KafkaClusterNode {
  readonly nodeId: number;
  /** host:port of its client (PLAINTEXT) listener. */
  readonly broker: string;
  readonly dataDir: string;
  readonly logFile: string;
  alive(): boolean;
  /** Signals the JVM (SIGKILL: a crash, no shutdown code runs) and waits until it is gone. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Stops it if running (gracefully) and starts it again on the same ports and data dir. */
  restart(): Promise<void>;
}

export interface KafkaCluster {
  /** Every node's client listener, for kafkajs `brokers` or KAFKA_BROKERS (joined by commas). */
  readonly brokers: string[];
  readonly source: 'local';
  readonly nodes: readonly KafkaClusterNode[];
  /** The node with this broker id (what topic metadata names as a partition's leader). */
  node(nodeId: number): KafkaClusterNode;
  /** Stops every node and removes the cluster's temp dir. */
  stop(): Promise<void>;
}

const DEFAULT_NODES = 3;
const DEFAULT_HEAP_MB = 384;
const DEFAULT_START_TIMEOUT_MS = 120_000;
const DEFAULT_JVM_ARGS = ['-XX:TieredStopAtLevel=1'];
const GRACEFUL_STOP_MS = 30_000;
/**
 * stop() stops every node at once, and the last nodes' controlled shutdown then waits for a
 * quorum that is gone (30 s, under load). The data is deleted right after, so there is
 * nothing a clean shutdown would keep: a node still running after this is SIGKILLed.
 */
const CLUSTER_STOP_GRACE_MS = 5_000;

/**
 * server.properties of one node. Replication makes acks=all mean "on two machines", as in
 * production: every topic (the internal ones too) gets 3 replicas and refuses writes below 2
 * in sync, so one node can be down and the cluster still accepts writes. Static voters: every
 * node knows the whole quorum from its own file.
 */
export function clusterNodeProperties(s: {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
  voters: string;
  nodes: number;
  logDirs: string;
  extra?: Readonly<Record<string, string | number | boolean>> | undefined;
}): string {
  const rf = Math.min(3, s.nodes);
  const minIsr = Math.min(2, rf);
  return renderServerProperties({
    brokerPort: s.brokerPort,
    controllerPort: s.controllerPort,
    logDirs: s.logDirs,
    extraProperties: {
      'node.id': s.nodeId,
      'controller.quorum.voters': s.voters,
      'default.replication.factor': rf,
      'min.insync.replicas': minIsr,
      'offsets.topic.replication.factor': rf,
      'transaction.state.log.replication.factor': rf,
      'transaction.state.log.min.isr': minIsr,
      'share.coordinator.state.topic.replication.factor': rf,
      'share.coordinator.state.topic.min.isr': minIsr,
      ...s.extra,
    },
  });
}

interface NodePorts {
  nodeId: number;
  brokerPort: number;
  controllerPort: number;
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const taken = new Set<number>();
  while (taken.size < count) taken.add(await freePort());
  return [...taken];
}

/**
 * A KRaft cluster of combined broker+controller nodes from the same Maven jars as the single
 * local broker, on free loopback ports, each node with its own data dir under one temp dir.
 * For failover tests: a node can be SIGKILLed and restarted while the others keep serving.
 */
export async function startKafkaCluster(opts: KafkaClusterOptions): Promise<KafkaCluster> {
  const log = opts.log.child({ component: 'kafka-cluster' });
  const count = opts.nodes ?? DEFAULT_NODES;
  if (!Number.isInteger(count) || count < 1) throw new InfraError('INVALID_SETTING', `a Kafka cluster needs at least one node, got ${count}`);
  const jarsDir = await kafkaJarsDir({ log, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}) });
  const ports = await distinctFreePorts(count * 2);
  const layout: NodePorts[] = Array.from({ length: count }, (_, i) => ({
    nodeId: i + 1,
    brokerPort: ports[i * 2] as number,
    controllerPort: ports[i * 2 + 1] as number,
  }));
  const voters = layout.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',');
  const root = await mkdtemp(join(tmpdir(), 'hookstream-kafka-cluster-'));
  const clusterId = randomClusterId();
  let nodes: ClusterNode[] = [];
  try {
    // Formatting is a JVM run per node: in parallel, it costs one.
    nodes = await Promise.all(layout.map((n) => prepareNode({ ...n, root, jarsDir, voters, clusterId, count, opts, log: log.child({ nodeId: n.nodeId }) })));
    // A node's broker waits for a controller quorum (a majority of the nodes), so all start together.
    await Promise.all(nodes.map((n) => n.start()));
  } catch (err) {
    await Promise.allSettled(nodes.map((n) => n.kill('SIGKILL')));
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  log.info({ brokers: nodes.map((n) => n.broker), root }, 'local Kafka cluster started');

  return {
    brokers: nodes.map((n) => n.broker),
    source: 'local',
    nodes,
    node(nodeId) {
      const found = nodes.find((n) => n.nodeId === nodeId);
      if (!found) throw new InfraError('INVALID_SETTING', `the cluster has no node ${nodeId} (nodes 1–${count})`);
      return found;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stopGracefully(CLUSTER_STOP_GRACE_MS)));
      await rm(root, { recursive: true, force: true });
      log.info({ root }, 'local Kafka cluster stopped');
    },
  };
}

interface ClusterNode extends KafkaClusterNode {
  start(): Promise<void>;
  stopGracefully(graceMs?: number): Promise<void>;
}

interface NodeSetup extends NodePorts {
  root: string;
  jarsDir: string;
  voters: string;
  clusterId: string;
  count: number;
  opts: KafkaClusterOptions;
  log: Logger;
}

async function prepareNode(s: NodeSetup): Promise<ClusterNode> {
  const dataDir = join(s.root, `node-${s.nodeId}`);
  const logsDir = join(dataDir, 'logs');
  const metadataDir = join(dataDir, 'kraft');
  await mkdir(logsDir, { recursive: true });
  const propertiesFile = join(dataDir, 'server.properties');
  await writeFile(propertiesFile, clusterNodeProperties({ ...s, nodes: s.count, logDirs: metadataDir, extra: s.opts.properties }));
  const launch: BrokerLaunch = {
    jarsDir: s.jarsDir,
    propertiesFile,
    logsDir,
    log4jConfig: join(dockerKafkaDir(), 'log4j2.xml'),
    maxHeapMb: s.opts.maxHeapMb ?? DEFAULT_HEAP_MB,
    jvmArgs: s.opts.jvmArgs ?? DEFAULT_JVM_ARGS,
  };
  // Every node is formatted with the same cluster id, or they refuse to form one quorum.
  await formatStorage(launch, s.clusterId);
  const serverLog = join(logsDir, 'server.log');
  const timeoutMs = s.opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let proc: BrokerProcess | undefined;

  const start = async (): Promise<void> => {
    const started = Date.now();
    const logOffset = await fileSize(serverLog);
    const p = await spawnBroker(launch);
    proc = p;
    await waitForBroker({ proc: p, port: s.brokerPort, serverLog, logOffset, timeoutMs, stdoutLog: join(logsDir, 'stdout.log') });
    s.log.info({ port: s.brokerPort, pid: p.pid, ms: Date.now() - started }, 'Kafka cluster node started');
  };
  const kill = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> => {
    const p = proc;
    if (!p?.alive()) return;
    p.signal(signal);
    await p.exited;
    s.log.info({ pid: p.pid, signal }, 'Kafka cluster node stopped by signal');
  };
  const stopGracefully = async (graceMs = GRACEFUL_STOP_MS): Promise<void> => {
    const p = proc;
    if (!p?.alive()) return;
    p.signal('SIGTERM');
    // A node whose quorum is gone (the others already stopped) can hang in controlled shutdown.
    const timer = setTimeout(() => p.signal('SIGKILL'), graceMs);
    await p.exited;
    clearTimeout(timer);
  };

  return {
    nodeId: s.nodeId,
    broker: `127.0.0.1:${s.brokerPort}`,
    dataDir,
    logFile: serverLog,
    alive: () => proc?.alive() ?? false,
    kill,
    async restart() {
      await stopGracefully();
      await start();
    },
    start,
    stopGracefully,
  };
}
