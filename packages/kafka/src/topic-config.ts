import type { TopicSpec } from './topics.js';

/** The topic's min.insync.replicas entry: acks=all only means "durable" when more than one replica must have the write. */
export function minIsrConfig(spec: TopicSpec, replicas: number): Array<{ name: string; value: string }> {
  const minIsr = spec.minInsyncReplicas ?? (replicas > 1 ? 2 : undefined);
  return minIsr === undefined ? [] : [{ name: 'min.insync.replicas', value: String(minIsr) }];
}
