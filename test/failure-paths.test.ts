import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '@hookstream/cli';
import { DLQ_HEADERS, readRanges, type ConsumedMessage } from '@hookstream/kafka';
import { hsEvent, startTestFleet, type TestFleet } from './support/fleet.js';
import { waitUntil } from './support/wait.js';

/**
 * README "Failure paths" on the real fleet: an event whose row the database refuses for an
 * unexpected reason (here a CHECK constraint the test adds) goes through the retry topic, is
 * stored when the cause is gone, or ends in the DLQ after PROCESSOR_MAX_ATTEMPTS; a redrive
 * stores it exactly once however often it is repeated.
 */
describe('retry topic, dead letters and redrive', () => {
  let fleet: TestFleet;
  // Between seeing the first retry and dropping the constraint (or storing the next event) the test reads topics
  // and waits for a drain: two attempts of 5 s leave that room on a loaded machine before the event is dead-lettered.
  const RETRY_MS = 5000;

  beforeAll(async () => {
    fleet = await startTestFleet({
      processorEnv: { PROCESSOR_MAX_ATTEMPTS: '3', PROCESSOR_RETRY_BASE_MS: String(RETRY_MS), PROCESSOR_RETRY_MAX_MS: String(RETRY_MS) },
    });
    await fleet.ds.query('ALTER TABLE hubspot_events ADD CONSTRAINT hs_block_998 CHECK (portal_id <> 998)');
    await fleet.ds.query('ALTER TABLE hubspot_events ADD CONSTRAINT hs_block_999 CHECK (portal_id <> 999)');
  });
  afterAll(async () => {
    await fleet?.stop();
  });

  const retryTopic = () => `${fleet.topic}.retry`;
  const rows = async (portalId: number) =>
    Number(((await fleet.ds.query('SELECT COUNT(*) AS n FROM hubspot_event_rows WHERE portal_id = ?', [portalId])) as Array<{ n: number }>)[0]?.n);

  async function readTopic(topic: string): Promise<ConsumedMessage[]> {
    const admin = fleet.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const out: ConsumedMessage[] = [];
    const ranges = offsets.map((p) => ({ partition: p.partition, start: BigInt(p.low), end: BigInt(p.high) }));
    await readRanges(fleet.kafka, {
      topic,
      groupId: `read-${randomBytes(4).toString('hex')}`,
      ranges,
      commit: false,
      log: fleet.log,
      onMessages: async (_p, ms) => void out.push(...ms),
    });
    return out;
  }

  async function cli(...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const env = { KAFKA_BROKERS: inject('kafkaBrokers'), KAFKA_TOPIC: fleet.topic, KAFKA_DLQ_TOPIC: fleet.dlqTopic, LOG_LEVEL: 'silent' };
    const code = await runCli(
      args,
      env,
      (l) => out.push(l),
      (l) => err.push(l),
    );
    return { code, out, err };
  }

  it('retries an event the database refuses and stores it once the cause is gone, while its neighbours are stored at once', async () => {
    expect((await fleet.post([hsEvent(1), hsEvent(2, { portalId: 998 })])).status).toBe(200);
    const [retry] = await waitUntil(
      'the refused event on the retry topic',
      async () => {
        const ms = await readTopic(retryTopic());
        return ms.length > 0 ? ms : undefined;
      },
      60_000,
      100,
    );
    expect(retry?.headers).toMatchObject({ [DLQ_HEADERS.attempts]: '1', [DLQ_HEADERS.originalTopic]: fleet.topic });
    expect(retry?.headers[DLQ_HEADERS.error]).toMatch(/hs_block_998/);
    await fleet.drained();
    expect(await fleet.rowCount()).toBe(1);
    // Dropped within the first retry's 5 s, or at worst before the third and last attempt 10 s later.
    await fleet.ds.query('ALTER TABLE hubspot_events DROP CONSTRAINT hs_block_998');
    await waitUntil('the retried event to be stored', async () => (await rows(998)) === 1, 60_000);
    expect(await fleet.topicMessages(fleet.dlqTopic)).toBe(0);
    expect(await fleet.topicMessages(retryTopic())).toBeGreaterThanOrEqual(1);
  });

  it('dead-letters it after PROCESSOR_MAX_ATTEMPTS; a redrive stores it once, however often it is repeated', async () => {
    const event = hsEvent(3, { portalId: 999 });
    expect((await fleet.post([event])).status).toBe(200);
    // While the refused event waits on the retry topic (5 s per attempt), the events topic keeps flowing:
    // a paused retry partition holds up nothing else.
    await waitUntil('the first retry', async () => (await readTopic(retryTopic())).some((m) => m.key?.startsWith('999:')), 60_000, 100);
    expect((await fleet.post([hsEvent(4)])).status).toBe(200);
    await waitUntil('the next event to be stored', async () => (await rows(hsEvent(4).portalId)) === 2, 60_000, 100);
    expect(await fleet.topicMessages(fleet.dlqTopic)).toBe(0);
    await waitUntil('the dead letter', async () => (await fleet.topicMessages(fleet.dlqTopic)) === 1, 60_000);
    const retries = (await readTopic(retryTopic())).filter((m) => m.key?.startsWith('999:'));
    expect(retries.map((m) => m.headers[DLQ_HEADERS.attempts])).toEqual(['1', '2']);
    const [r1, r2] = retries.map((m) => Number(m.headers[DLQ_HEADERS.notBefore]));
    expect(r2! - r1!).toBeGreaterThanOrEqual(RETRY_MS);

    const inspect = await cli('dlq:inspect', '--json');
    expect(inspect.code).toBe(0);
    const [letter] = inspect.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(letter).toMatchObject({ key: `999:contact:${event.objectId}`, attempts: 3, original: { topic: fleet.topic } });
    expect(letter?.error).toMatch(/hs_block_999/);
    expect(letter?.firstFailureAt).toBe(new Date(Number(retries[0]?.headers[DLQ_HEADERS.firstFailureAt])).toISOString());
    expect(await rows(999)).toBe(0);

    await fleet.ds.query('ALTER TABLE hubspot_events DROP CONSTRAINT hs_block_999');
    const first = await cli('dlq:redrive');
    expect(first.out.at(-1)).toMatch(/^redrove 1 dead letter\(s\)/);
    await fleet.drained();
    expect(await rows(999)).toBe(1);
    // Its cursor makes a second run a no-op…
    expect((await cli('dlq:redrive')).out).toEqual([`nothing to redrive: group hookstream-dlq-redrive has redriven everything selected in ${fleet.dlqTopic}`]);
    // …and a redrive through another group really re-sends it: the unique key still stores it once.
    expect((await cli('dlq:redrive', '--group', 'second-look')).out.at(-1)).toMatch(/^redrove 1 dead letter\(s\)/);
    await fleet.drained();
    expect(await rows(999)).toBe(1);
    expect(await fleet.rowCount()).toBe(4);
  });
});
