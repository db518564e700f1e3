import { randomBytes } from 'node:crypto';

export interface BrokerSettings {
  brokerPort: number;
  controllerPort: number;
  /** Where the broker keeps partitions and the KRaft metadata log. */
  logDirs: string;
  /** Default partitions for topics created without a count; the design's default is 12. */
  numPartitions?: number;
  /**
   * More client listeners next to PLAINTEXT (which stays the inter-broker one), e.g. SSL or
   * SASL_SSL; each is bound to loopback on its port and advertised.
   */
  extraListeners?: ReadonlyArray<{ name: string; protocol: 'SSL' | 'SASL_SSL' | 'SASL_PLAINTEXT'; port: number }>;
  /** Set last: adds to or overrides the properties above (keystores, JAAS, client auth…). */
  extraProperties?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * server.properties for a single-node KRaft broker (combined broker+controller) bound to
 * loopback only. Internal topics get replication factor 1 because there is one node.
 */
export function renderServerProperties(s: BrokerSettings): string {
  const extra = (s.extraListeners ?? []).map((l) => ({ ...l, url: `${l.name}://127.0.0.1:${l.port}` }));
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    // Static voters: the controller endpoint comes from this file on every start, so a
    // persistent data dir keeps working when the controller port changes between runs.
    'controller.quorum.voters': `1@127.0.0.1:${s.controllerPort}`,
    listeners: [`PLAINTEXT://127.0.0.1:${s.brokerPort}`, `CONTROLLER://127.0.0.1:${s.controllerPort}`, ...extra.map((l) => l.url)].join(','),
    'advertised.listeners': [`PLAINTEXT://127.0.0.1:${s.brokerPort}`, ...extra.map((l) => l.url)].join(','),
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': ['PLAINTEXT:PLAINTEXT', 'CONTROLLER:PLAINTEXT', ...extra.map((l) => `${l.name}:${l.protocol}`)].join(','),
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': s.logDirs,
    'num.partitions': s.numPartitions ?? 12,
    // Our services create their topics explicitly; a typo must fail, not create a topic.
    'auto.create.topics.enable': false,
    'offsets.topic.replication.factor': 1,
    // The default of 50 offsets partitions makes the first consumer group noticeably slow.
    'offsets.topic.num.partitions': 12,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a SIGKILL the controller keeps the dead broker's registration until its session
    // expires, and the restarted broker cannot register before that (DUPLICATE_BROKER_REGISTRATION).
    // 6 s instead of 9 s shortens fault-injection restarts while leaving room for GC pauses
    // on a busy 2-core machine.
    'broker.heartbeat.interval.ms': 1_000,
    'broker.session.timeout.ms': 6_000,
    'log.retention.hours': 24,
    'log.segment.bytes': 64 * 1024 * 1024,
    ...s.extraProperties,
  };
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n')}\n`;
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (22 chars), as kafka-storage random-uuid prints. */
export function randomClusterId(random: () => Buffer = () => randomBytes(16)): string {
  // Like Kafka's Uuid.randomUuid: an id starting with "-" is drawn again, because the storage
  // tool's argument parser reads "-t -abc…" as a missing value (1 in 64 test runs failed so).
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
