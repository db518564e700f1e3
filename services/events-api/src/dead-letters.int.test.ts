import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AppError } from '@hookstream/core';
import { createKafka, createProducer, DLQ_HEADERS, ensureTopics, openTopicAdmin, type EventProducer, type Kafka, type TopicAdmin } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import type { RedriveJob } from './dead-letters/jobs.js';
import { createDeadLetters, type DeadLetterItem, type DeadLetters } from './dead-letters/service.js';

/** events-api's Kafka side of the dead-letter routes on a real broker: sizes, pages, and both kinds of redrive. */
describe('dead letters on a real broker', () => {
  const log = createLogger({ name: 'dead-letters-int', level: 'silent' });
  const suffix = randomBytes(4).toString('hex');
  const target = `hubspot.events.api-${suffix}`;
  const dlq = `${target}.dlq`;
  let kafka: Kafka;
  let producer: EventProducer;
  let admin: TopicAdmin;
  let dl: DeadLetters;
  // The producer is at-least-once: what the topic holds is counted, never assumed.
  let held = 0;

  const count = async (t: string): Promise<number> => (await admin.partitions(t)).reduce((n, p) => n + Number(p.high - p.low), 0);
  const finished = async (job: RedriveJob): Promise<RedriveJob> => {
    for (let i = 0; i < 300; i++) {
      const j = dl.job(job.id);
      if (j && j.state !== 'running') return j;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${job.id} did not finish`);
  };
  const pendingOf = async (): Promise<number> => (await dl.topics())[0]?.pending ?? -1;

  beforeAll(async () => {
    kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: `dl-int-${suffix}`, log });
    await ensureTopics(
      kafka,
      [
        { topic: target, numPartitions: 3 },
        { topic: dlq, numPartitions: 3 },
      ],
      log,
    );
    producer = createProducer(kafka, log);
    await producer.connect();
    admin = await openTopicAdmin(kafka);
    await producer.send(
      dlq,
      Array.from({ length: 9 }, (_, i) => ({
        key: `62515:contact:${i}`,
        value: Buffer.from(JSON.stringify({ i })),
        headers: {
          [DLQ_HEADERS.error]: `refused ${i}`,
          [DLQ_HEADERS.errorCode]: 'ER_CHECK_CONSTRAINT_VIOLATED',
          [DLQ_HEADERS.attempts]: '5',
          [DLQ_HEADERS.originalTopic]: target,
          [DLQ_HEADERS.originalPartition]: '0',
          [DLQ_HEADERS.originalOffset]: String(100 + i),
          [DLQ_HEADERS.firstFailureAt]: '1769000000000',
        },
      })),
      10_000,
    );
    held = await count(dlq);
    dl = createDeadLetters({ kafka, topics: [{ provider: 'hubspot', dlq, target }], log, groupId: `dl-int-redrive-${suffix}` });
  });

  afterAll(async () => {
    await dl?.close();
    await producer?.disconnect();
    await admin?.close();
  });

  it('sizes the topic and pages through every dead letter once, in partition and offset order', async () => {
    expect(await dl.topics()).toEqual([{ topic: dlq, provider: 'hubspot', target, partitions: 3, total: held, pending: held, job: null, error: null }]);
    const seen: DeadLetterItem[] = [];
    let after: { partition: number; offset: bigint } | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await dl.list(dlq, { limit: 4, ...(after ? { after } : {}) });
      expect(page.total).toBe(held - seen.length);
      seen.push(...page.items);
      if (!page.next) break;
      const [p, o] = page.next.split(':');
      after = { partition: Number(p), offset: BigInt(o ?? '0') };
    }
    expect(seen).toHaveLength(held);
    const positions = seen.map((l) => `${l.partition}@${l.offset}`);
    expect(new Set(positions).size).toBe(held);
    expect([...positions].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))).toEqual(positions);
    expect(seen.find((l) => l.key === '62515:contact:4')).toMatchObject({
      attempts: 5,
      errorCode: 'ER_CHECK_CONSTRAINT_VIOLATED',
      error: 'refused 4',
      original: { topic: target, partition: 0, offset: '104' },
      firstFailureAt: '2026-01-21T12:53:20.000Z',
      redriven: false,
    });
  });

  it('a selection moves the cursor only past a gap-free run from it; a range redrives the rest; then nothing is left', async () => {
    const partitions = await admin.partitions(dlq);
    const busy = partitions.find((p) => p.high - p.low >= 2);
    if (!busy) throw new Error('9 keys over 3 partitions leave one with two or more');
    const before = await count(target);

    // The second of a partition alone: sent, but the cursor stays (the first was not chosen).
    const skipOne = await finished(await dl.redrive(dlq, { offsets: [{ partition: busy.partition, offset: busy.low + 1n }] }));
    expect(skipOne).toMatchObject({ kind: 'selection', state: 'done', total: 1, done: 1 });
    expect((await count(target)) - before).toBe(1);
    expect(await pendingOf()).toBe(held);

    // The first: the cursor moves past it, and only it.
    await finished(await dl.redrive(dlq, { offsets: [{ partition: busy.partition, offset: busy.low }] }));
    expect(await pendingOf()).toBe(held - 1);
    const page = await dl.list(dlq, { limit: 500 });
    expect(page.items.filter((l) => l.redriven).map((l) => `${l.partition}@${l.offset}`)).toEqual([`${busy.partition}@${busy.low}`]);
    expect((await dl.list(dlq, { limit: 500, pending: true })).total).toBe(held - 1);

    // An offset the topic does not hold: refused, nothing sent.
    const refused = await dl.redrive(dlq, { offsets: [{ partition: busy.partition, offset: busy.high + 5n }] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'OFFSETS_NOT_IN_TOPIC', httpStatus: 400 });
    expect((await count(target)) - before).toBe(2);

    // Everything not yet redriven (the second of `busy` again among them, as the cursor never passed it).
    const rest = await finished(await dl.redrive(dlq, {}));
    expect(rest).toMatchObject({ kind: 'range', state: 'done', total: held - 1, done: held - 1, passedOver: 0 });
    expect((await count(target)) - before).toBe(2 + held - 1);
    expect(await pendingOf()).toBe(0);
    expect((await finished(await dl.redrive(dlq, {}))).total).toBe(0);
    expect((await dl.topics())[0]?.job?.state).toBe('done');
  });

  it('one redrive at a time: the second is 409 REDRIVE_RUNNING; an unknown topic is 404', async () => {
    const outcomes = await Promise.allSettled([dl.redrive(dlq, {}), dl.redrive(dlq, {})]);
    const refused = outcomes.find((o) => o.status === 'rejected');
    const started = outcomes.find((o) => o.status === 'fulfilled');
    expect(refused?.status === 'rejected' ? refused.reason : undefined).toMatchObject({ code: 'REDRIVE_RUNNING', httpStatus: 409 });
    if (started?.status === 'fulfilled') await finished(started.value);
    await expect(dl.list('nope.dlq', { limit: 1 })).rejects.toMatchObject({ code: 'DLQ_TOPIC_UNKNOWN', httpStatus: 404 });
  });

  it('a topic the broker does not have is a row with the reason; the others are still sized', async () => {
    const absent = `nope.events.api-${suffix}.dlq`;
    const two = createDeadLetters({
      kafka,
      topics: [
        { provider: 'crm', dlq: absent, target: 'nope' },
        { provider: 'hubspot', dlq, target },
      ],
      log,
    });
    try {
      const [missing, present] = await two.topics();
      expect(missing).toMatchObject({ topic: absent, total: 0, pending: 0 });
      expect(missing?.error).toEqual(expect.any(String));
      expect(present).toMatchObject({ topic: dlq, total: held, error: null });
    } finally {
      await two.close();
    }
  });
});
