import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createKafka,
  createProducer,
  DLQ_HEADERS,
  ensureTopics,
  openTopicAdmin,
  readRanges,
  type ConsumedMessage,
  type EventProducer,
  type Kafka,
  type TopicAdmin,
} from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { runCli } from '../run.js';

const log = createLogger({ name: 'dlq-int', level: 'silent' });

/** Dead letters as the processor writes them, in two waves with distinct timestamps. */
describe('dlq:inspect and dlq:redrive on a real broker', () => {
  const suffix = randomBytes(4).toString('hex');
  const topic = `hubspot.events.cli-${suffix}`;
  const dlq = `${topic}.dlq`;
  const env = () => ({ KAFKA_BROKERS: inject('kafkaBrokers'), KAFKA_TOPIC: topic, KAFKA_DLQ_TOPIC: dlq, LOG_LEVEL: 'silent' });
  let kafka: Kafka;
  let producer: EventProducer;
  let admin: TopicAdmin;
  let mark = 0;
  // The producer is at-least-once: count what the topic really holds instead of assuming.
  let WAVE_A = 7;
  let TOTAL = 12;

  const letter = (i: number) => ({
    key: `62515:contact:${i}`,
    value: Buffer.from(JSON.stringify({ i })),
    headers: {
      provider: 'hubspot',
      [DLQ_HEADERS.error]: `refused ${i}`,
      [DLQ_HEADERS.errorCode]: 'ER_CHECK_CONSTRAINT_VIOLATED',
      [DLQ_HEADERS.attempts]: '5',
      [DLQ_HEADERS.originalTopic]: topic,
      [DLQ_HEADERS.originalPartition]: String(i % 3),
      [DLQ_HEADERS.originalOffset]: String(100 + i),
      [DLQ_HEADERS.firstFailureAt]: '1769000000000',
    },
  });

  async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      args,
      env(),
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err };
  }

  const count = async (t: string): Promise<number> => (await admin.partitions(t)).reduce((n, p) => n + Number(p.high - p.low), 0);

  async function readAll(t: string): Promise<ConsumedMessage[]> {
    const ranges = (await admin.partitions(t)).map((p) => ({ partition: p.partition, start: p.low, end: p.high }));
    const out: ConsumedMessage[] = [];
    const groupId = `cli-int-read-${randomBytes(4).toString('hex')}`;
    await readRanges(kafka, { topic: t, groupId, ranges, commit: false, log, onMessages: async (_p, ms) => void out.push(...ms) });
    return out;
  }

  beforeAll(async () => {
    kafka = createKafka({ brokers: inject('kafkaBrokers').split(','), clientId: `cli-int-${suffix}`, log });
    await ensureTopics(
      kafka,
      [
        { topic, numPartitions: 3 },
        { topic: dlq, numPartitions: 3 },
      ],
      log,
    );
    producer = createProducer(kafka, log);
    await producer.connect();
    admin = await openTopicAdmin(kafka);
    await producer.send(
      dlq,
      Array.from({ length: 7 }, (_, i) => letter(i)),
      10_000,
    );
    mark = Date.now();
    WAVE_A = await count(dlq);
    await new Promise((r) => setTimeout(r, 20));
    await producer.send(
      dlq,
      Array.from({ length: 5 }, (_, i) => letter(7 + i)),
      10_000,
    );
    TOTAL = await count(dlq);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.close();
  });

  it('inspects dead letters with their headers, filtered by time and limited, without consuming them', async () => {
    const all = await cli('dlq:inspect', '--json');
    expect(all.code, all.err.join('\n')).toBe(0);
    const views = all.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(views).toHaveLength(TOTAL);
    expect(new Set(views.map((v) => v.key)).size).toBe(12);
    expect(views.find((v) => v.key === '62515:contact:4')).toMatchObject({
      attempts: 5,
      errorCode: 'ER_CHECK_CONSTRAINT_VIOLATED',
      error: 'refused 4',
      original: { topic, partition: 1, offset: '104' },
      firstFailureAt: '2026-01-21T12:53:20.000Z',
      value: '{"i":4}',
    });
    expect(all.err.join('\n')).toContain(`${TOTAL} of ${TOTAL} dead letters in ${dlq} shown`);

    const early = await cli('dlq:inspect', '--json', '--until', String(mark));
    expect(early.out).toHaveLength(WAVE_A);
    expect([...new Set(early.out.map((l) => (JSON.parse(l) as { key: string }).key))].sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `62515:contact:${i}`).sort(),
    );
    const late = await cli('dlq:inspect', '--since', new Date(mark + 1).toISOString());
    expect(late.out.filter((l) => l.includes('attempts=5'))).toHaveLength(TOTAL - WAVE_A);
    expect(late.out.at(-1)).toContain(`${TOTAL - WAVE_A} of ${TOTAL - WAVE_A} dead letters in ${dlq} in the time range shown`);
    const limited = await cli('dlq:inspect', '--limit', '4');
    expect(limited.out.filter((l) => l.includes('attempts=5'))).toHaveLength(4);
    expect(limited.out.at(-1)).toContain('(raise --limit to see more)');
    // Inspecting left no group behind and moved no redrive cursor.
    expect((await cli('dlq:redrive', '--dry-run')).out[0]).toBe(
      `dry run: would redrive ${TOTAL} dead letter(s) from ${dlq} to ${topic} (group hookstream-dlq-redrive)`,
    );
  });

  it('redrives by count, then the rest, and a third run finds nothing: every dead letter is sent exactly once', async () => {
    const group = `redrive-${suffix}-a`;
    const dry = await cli('dlq:redrive', '--group', group, '--dry-run', '--until', String(mark));
    expect(dry.out[0]).toContain(`would redrive ${WAVE_A} dead letter(s)`);
    expect(await count(topic)).toBe(0);

    const first = await cli('dlq:redrive', '--group', group, '--count', '3');
    expect(first.code).toBe(0);
    expect(first.out.at(-1)).toBe(`redrove 3 dead letter(s) from ${dlq} to ${topic} (group ${group})`);
    expect(first.err.at(-1)).toMatch(/^redriven 3\/3 \(\d+\/s\)$/);
    expect(await count(topic)).toBe(3);

    const rest = await cli('dlq:redrive', '--group', group);
    expect(rest.out.at(-1)).toBe(`redrove ${TOTAL - 3} dead letter(s) from ${dlq} to ${topic} (group ${group})`);
    const again = await cli('dlq:redrive', '--group', group);
    expect(again.out).toEqual([`nothing to redrive: group ${group} has redriven everything selected in ${dlq}`]);

    const redriven = await readAll(topic);
    expect(redriven).toHaveLength(TOTAL);
    expect(new Set(redriven.map((m) => m.key)).size).toBe(12);
    const four = redriven.find((m) => m.key === '62515:contact:4');
    expect(four?.value?.toString()).toBe('{"i":4}');
    expect(four?.headers).toMatchObject({ provider: 'hubspot', [DLQ_HEADERS.attempts]: '0' });
    expect(four?.headers[DLQ_HEADERS.redrivenFrom]).toMatch(new RegExp(`^${dlq.replace(/\./g, '\\.')}/\\d+/\\d+$`));
    for (const h of [DLQ_HEADERS.error, DLQ_HEADERS.errorCode, DLQ_HEADERS.originalOffset, DLQ_HEADERS.firstFailureAt])
      expect(four?.headers[h]).toBeUndefined();
    // The dead letters themselves are still there to inspect.
    expect(await count(dlq)).toBe(TOTAL);
  });

  it('an interrupted redrive stops after the chunk in hand and the rerun sends only the rest', async () => {
    const group = `redrive-${suffix}-b`;
    const before = await count(topic);
    const stop = new AbortController();
    const out: string[] = [];
    // The first progress line comes right after the first chunk was sent: interrupt there, like Ctrl-C.
    const code = await runCli(
      ['dlq:redrive', '--group', group],
      env(),
      (l) => out.push(l),
      (l) => {
        if (l.startsWith('redriven ')) stop.abort();
      },
      stop.signal,
    );
    expect(code).toBe(130);
    expect(out.at(-1)).toMatch(new RegExp(`^interrupted: redrove \\d+ of ${TOTAL} dead letter\\(s\\) to .*; run the same command again to continue$`));
    const sentFirst = (await count(topic)) - before;
    expect(sentFirst).toBeGreaterThan(0);
    expect(sentFirst).toBeLessThan(TOTAL);
    expect(out.at(-1)).toContain(`redrove ${sentFirst} of ${TOTAL}`);
    const rerun = await cli('dlq:redrive', '--group', group);
    expect(rerun.out.at(-1)).toBe(`redrove ${TOTAL - sentFirst} dead letter(s) from ${dlq} to ${topic} (group ${group})`);
    expect((await count(topic)) - before).toBe(TOTAL);
  });
});
