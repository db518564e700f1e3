import { randomBytes } from 'node:crypto';
import { compatibilityPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { javaCompatiblePartitioner, murmur2 } from './murmur2.js';

const kafkajsPartitioner = Partitioners.DefaultPartitioner();
/** Where kafkajs's default (Java-compatible) partitioner puts a string key among n partitions. */
const kafkajsPartition = (key: string, n: number): number =>
  kafkajsPartitioner({
    topic: 't',
    partitionMetadata: Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 })),
    message: { key, value: null },
  });

describe('murmur2 in 32-bit arithmetic', () => {
  it("gives Kafka's own answers (org.apache.kafka.common.utils.UtilsTest#testMurmur2)", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    expect(cases.map(([key]) => murmur2(Buffer.from(key)))).toEqual(cases.map(([, hash]) => hash));
  });

  it("places 20 000 random keys of 0–64 bytes where @platformatic/kafka's compatibilityPartitioner and kafkajs do", () => {
    for (let i = 0; i < 20_000; i += 1) {
      const key = i % 3 === 0 ? randomBytes(i % 65) : Buffer.from(`hubspot:${i}:contact:${randomBytes(1 + (i % 9)).toString('hex')}-é`);
      const ours = javaCompatiblePartitioner(undefined, key);
      expect(ours).toBe(compatibilityPartitioner({ topic: 't' }, key));
      // kafkajs takes string keys: only the ones that are valid UTF-8.
      if (i % 3 !== 0) expect(ours % 12).toBe(kafkajsPartition(key.toString('utf8'), 12));
    }
  });

  it('puts an unkeyed record on partition 0 and never answers a negative partition', () => {
    expect(javaCompatiblePartitioner(undefined, undefined)).toBe(0);
    // "21" hashes negative: the mask, not `>>> 0`, keeps it on Java's partition.
    expect(javaCompatiblePartitioner(undefined, Buffer.from('21'))).toBe(1173551340);
  });
});
