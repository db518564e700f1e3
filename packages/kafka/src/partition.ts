import { javaCompatiblePartitioner } from './murmur2.js';

/**
 * The partition the producer puts a keyed message on (the Java-compatible murmur2 both
 * clients of createProducer use), so a consumer can tell which keys its assigned partitions
 * hold: the dispatcher owns exactly the endpoints whose key hashes to its partitions.
 */
export function partitionForKey(key: string, numPartitions: number): number {
  return javaCompatiblePartitioner(undefined, Buffer.from(key, 'utf8')) % numPartitions;
}
