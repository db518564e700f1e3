import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Kafka, Partitioners, logLevel, type Consumer, type LogEntry, type Producer } from 'kafkajs';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { createLogger, type Logger } from '@hookstream/observability';
import './provided.js';
import { createDatabase, dropDatabase, ensureDatabase, serverConnectionOptions, uniqueName } from './database.js';
import { startLocalKafka, type LocalKafkaHandle } from './kafka-local.js';
import { parseBrokerList } from './kafka.js';
import { testDatabase } from './test-database.js';

const log = createLogger({ name: 'infra-int-test', level: process.env['LOG_LEVEL'] ?? 'error' });

/**
 * kafkajs logs through console by default; route it into pino instead. It reports retriable
 * protocol errors (coordinator not yet available right after start) at ERROR, so its lines go
 * in at warn: hidden by default, visible with LOG_LEVEL=warn.
 */
function kafkaClient(brokers: string[], clientId: string, logger: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ namespace, log: entry }: LogEntry) =>
        logger.warn({ namespace, ...entry }, 'kafkajs'),
  });
}

interface Received {
  partition: number;
  key: string;
  value: string;
}

/** Consumes `topic` from the beginning in a fresh group until `count` messages arrived. */
async function consumeAll(kafka: Kafka, topic: string, count: number): Promise<{ messages: Received[]; consumer: Consumer }> {
  const consumer = kafka.consumer({ groupId: uniqueName('grp') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: Received[] = [];
  await new Promise<void>((resolveAll, reject) => {
    consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          messages.push({ partition, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          if (messages.length === count) resolveAll();
        },
      })
      .catch(reject);
  });
  return { messages, consumer };
}

async function produce(kafka: Kafka, topic: string, messages: { key: string; value: string }[]): Promise<void> {
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}

describe('provided Kafka broker', () => {
  const brokers = parseBrokerList(inject('kafkaBrokers'));
  const kafka = kafkaClient(brokers, 'infra-int-test', log);

  it('creates a 3-partition topic and round-trips keyed messages through a consumer group', async () => {
    const topic = uniqueName('infra_roundtrip');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta?.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `object-${i % 7}`, value: `event-${i}` }));
    await produce(kafka, topic, sent);
    const { messages, consumer } = await consumeAll(kafka, topic, sent.length);
    await consumer.disconnect();

    expect(messages.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());
    // Same key, same partition: the ordering guarantee the design relies on.
    const partitionsByKey = new Map<string, Set<number>>();
    for (const m of messages) partitionsByKey.set(m.key, (partitionsByKey.get(m.key) ?? new Set()).add(m.partition));
    for (const parts of partitionsByKey.values()) expect(parts.size).toBe(1);
    // Within a key, consumption order equals production order.
    for (const key of partitionsByKey.keys()) {
      expect(messages.filter((m) => m.key === key).map((m) => m.value)).toEqual(sent.filter((m) => m.key === key).map((m) => m.value));
    }
  });

  it('refuses to create topics implicitly', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: true, retry: { retries: 1 } });
    await producer.connect();
    try {
      await expect(producer.send({ topic: uniqueName('infra_missing'), acks: -1, messages: [{ value: 'x' }] })).rejects.toThrow();
    } finally {
      await producer.disconnect();
    }
  });
});

describe('provided database server', () => {
  const serverUrl = inject('databaseServerUrl');

  it('creates isolated databases and drops them', async () => {
    const a = uniqueName('hs_infra_a');
    const b = uniqueName('hs_infra_b');
    const urlA = await createDatabase(serverUrl, a);
    expect(new URL(await createDatabase(serverUrl, b)).pathname).toBe(`/${b}`);
    expect(new URL(urlA).pathname).toBe(`/${a}`);
    const conn = await createConnection(serverConnectionOptions(serverUrl));
    try {
      await conn.query(`CREATE TABLE \`${a}\`.only_in_a (id INT PRIMARY KEY)`);
      const [inA] = await conn.query<RowDataPacket[]>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [a]);
      const [inB] = await conn.query<RowDataPacket[]>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [b]);
      expect(inA.map((r) => r['t'])).toEqual(['only_in_a']);
      expect(inB).toEqual([]);
      const [charset] = await conn.query<RowDataPacket[]>(
        'SELECT default_character_set_name AS cs, default_collation_name AS co FROM information_schema.schemata WHERE schema_name = ?',
        [a],
      );
      expect(charset[0]).toMatchObject({ cs: 'utf8mb4', co: 'utf8mb4_unicode_ci' });

      await dropDatabase(serverUrl, a);
      await dropDatabase(serverUrl, b);
      const [left] = await conn.query<RowDataPacket[]>('SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (?, ?)', [a, b]);
      expect(left).toEqual([]);
    } finally {
      await conn.end();
    }
  });

  it('ensureDatabase() creates the database a URL names when it is missing, once, and keeps an existing one', async () => {
    const name = uniqueName('hs_infra_ensure');
    const url = `${serverUrl.replace(/\/$/, '')}/${name}`;
    try {
      expect(await ensureDatabase(url)).toBe('created');
      const conn = await createConnection({ ...serverConnectionOptions(url), database: name });
      try {
        await conn.query('CREATE TABLE kept (id INT PRIMARY KEY)');
      } finally {
        await conn.end();
      }
      expect(await ensureDatabase(url)).toBe('exists');
      const check = await createConnection(serverConnectionOptions(serverUrl));
      try {
        const [rows] = await check.query<RowDataPacket[]>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?', [name]);
        expect(rows.map((r) => r['t'])).toEqual(['kept']);
      } finally {
        await check.end();
      }
    } finally {
      await dropDatabase(serverUrl, name);
    }
  });

  it('ensureDatabase() refuses a database name that is not a plain identifier, creating nothing', async () => {
    await expect(ensureDatabase(`${serverUrl.replace(/\/$/, '')}/bad%60name`)).rejects.toThrow(/not a valid database name/);
  });

  it('testDatabase() hands out a fresh database that the url connects to', async () => {
    const db = await testDatabase();
    try {
      const conn = await createConnection({ ...serverConnectionOptions(db.url), database: db.name });
      try {
        const [rows] = await conn.query<RowDataPacket[]>('SELECT DATABASE() AS d');
        expect(rows[0]?.['d']).toBe(db.name);
      } finally {
        await conn.end();
      }
    } finally {
      await db.drop();
    }
  });
});

describe.skipIf(inject('kafkaSource') !== 'local')('local broker crash and restart', () => {
  let broker: LocalKafkaHandle;

  beforeAll(async () => {
    // A broker of its own: killing the shared one would break the other test files.
    broker = await startLocalKafka({ log, port: 0 });
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('keeps acknowledged messages across SIGKILL and restart on the same port', async () => {
    const topic = uniqueName('infra_durable');
    const before = kafkaClient(broker.brokers, 'infra-crash-before', log);
    const admin = before.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const sent = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: `durable-${i}` }));
    await produce(before, topic, sent);

    await broker.kill();
    await broker.restart();

    const after = kafkaClient(broker.brokers, 'infra-crash-after', log);
    const { messages, consumer } = await consumeAll(after, topic, sent.length);
    await consumer.disconnect();
    expect(messages.map((m) => m.value).sort()).toEqual(sent.map((m) => m.value).sort());

    const afterAdmin = after.admin();
    await afterAdmin.connect();
    const offsets = await afterAdmin.fetchTopicOffsets(topic);
    await afterAdmin.disconnect();
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(sent.length);
  });
});
