import { Partitioners } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();

/**
 * The partition the producer puts a keyed message on (the same Java-compatible murmur2 as
 * createProducer), so a consumer can tell which keys its assigned partitions hold: the
 * dispatcher owns exactly the endpoints whose key hashes to its partitions.
 */
export function partitionForKey(key: string, numPartitions: number): number {
  const partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
