import { randomBytes } from 'node:crypto';
import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from './partition.js';

/** What @platformatic/kafka's producer does with a partitioner's answer: `% partitionsCount`. */
const platformatic = (key: string, n: number, p = compatibilityPartitioner): number => p({ topic: 't' }, Buffer.from(key, 'utf8')) % n;

describe('partitionForKey and the platformatic producer agree (Java murmur2)', () => {
  it('places 20 000 random keys, ASCII and not, on the same partition for 1 to 64 partitions', () => {
    for (let i = 0; i < 20_000; i += 1) {
      const key = i % 2 === 0 ? randomBytes(12).toString('hex') : `ключ-${randomBytes(6).toString('base64')}-é`;
      const n = 1 + (i % 64);
      expect(platformatic(key, n)).toBe(partitionForKey(key, n));
    }
  });

  it('keeps the Java answers for known keys (Kafka Utils.murmur2 test vectors)', () => {
    // org.apache.kafka.common.utils.UtilsTest#testMurmur2: murmur2("21") = -973932308, & 0x7fffffff = 1173551340.
    expect(compatibilityPartitioner({ topic: 't' }, Buffer.from('21'))).toBe(1173551340);
    expect(partitionForKey('21', 1000)).toBe(340);
    expect(platformatic('21', 1000)).toBe(340);
  });

  it('differs from the library default partitioner for a key whose hash is negative, which is why it is not used', () => {
    // The default is `murmur2 >>> 0`: for "21" that is 3321034988, not 1173551340.
    expect(platformatic('21', 12, defaultPartitioner)).not.toBe(partitionForKey('21', 12));
  });
});
