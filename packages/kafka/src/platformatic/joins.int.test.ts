import { randomBytes } from 'node:crypto';
import { Consumer } from '@platformatic/kafka';
import { describe, expect, inject, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createKafka } from '../client.js';
import { ensureTopics } from '../topics.js';
import { baseOptions } from './base.js';
import { watchJoins } from './joins.js';

const log = createLogger({ name: 'joins-int', level: 'silent' });

describe('watchJoins (@platformatic/kafka)', () => {
  it('is joining from the JoinGroup until SyncGroup answered, for its own consumer only', async () => {
    const kafka = createKafka({ client: 'platformatic', brokers: inject('kafkaBrokers').split(','), clientId: 'joins-int', log });
    const topic = `joins-int-${randomBytes(4).toString('hex')}`;
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }], log);
    const group = { sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 10_000 };
    const mine = new Consumer({ ...baseOptions(kafka), groupId: topic, ...group, autocommit: false });
    const other = new Consumer({ ...baseOptions(kafka), groupId: `${topic}-other`, ...group, autocommit: false });
    const joins = watchJoins(mine);
    try {
      await mine.metadata({ topics: [topic] });
      expect(joins.joining()).toBe(false);
      const joined = mine.joinGroup({});
      // Published synchronously when the join starts, before the request is even written.
      expect(joins.joining()).toBe(true);
      await joined;
      expect(joins.joining()).toBe(false);
      expect(mine.memberId).toBeTruthy();

      // Another consumer's join is not this one's.
      const otherJoined = other.joinGroup({});
      expect(joins.joining()).toBe(false);
      await otherJoined;

      // Closed: later joins are no longer watched.
      joins.close();
      const again = mine.joinGroup({});
      expect(joins.joining()).toBe(false);
      await again;
    } finally {
      joins.close();
      await Promise.all([mine.close(true), other.close(true)]);
    }
  }, 60_000);
});
