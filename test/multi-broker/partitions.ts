import { createConnection } from 'node:net';
import type { Kafka } from '@hookstream/kafka';

export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface ClusterView {
  /** The active KRaft controller's node id. */
  controller: number | null;
  partitions: PartitionState[];
}

export interface ClusterWatch {
  view(): Promise<ClusterView>;
  close(): Promise<void>;
}

/** Reads leaders and in-sync replicas through an admin client connected to every node. */
export async function watchCluster(kafka: Kafka, topics: readonly string[]): Promise<ClusterWatch> {
  const admin = kafka.admin();
  await admin.connect();
  return {
    async view() {
      const [cluster, meta] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata({ topics: [...topics] })]);
      return {
        controller: cluster.controller,
        partitions: meta.topics.flatMap((t) =>
          t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })),
        ),
      };
    },
    close: () => admin.disconnect(),
  };
}

/** The node leading the most partitions (the lowest id on a tie): killing it moves the most leaders. */
export function busiestLeader(partitions: readonly PartitionState[]): { nodeId: number; leads: number } {
  const counts = new Map<number, number>();
  for (const p of partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  const [nodeId, leads] = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0] ?? [-1, 0];
  return { nodeId, leads };
}

/** True when no partition is led by `nodeId` any more and every one still has `minIsr` replicas in sync. */
export function electedAway(partitions: readonly PartitionState[], nodeId: number, minIsr: number): boolean {
  return partitions.length > 0 && partitions.every((p) => p.leader >= 0 && p.leader !== nodeId && p.isr.length >= minIsr);
}

/** True when every partition has all its replicas in sync again. */
export function fullyInSync(partitions: readonly PartitionState[]): boolean {
  return partitions.length > 0 && partitions.every((p) => p.isr.length === p.replicas.length);
}

/** True when something accepts TCP connections at host:port (a stopped node must not). */
export function accepts(hostPort: string): Promise<boolean> {
  const [host = '127.0.0.1', port = '0'] = hostPort.split(':');
  return new Promise((done) => {
    const socket = createConnection({ host, port: Number(port) });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
