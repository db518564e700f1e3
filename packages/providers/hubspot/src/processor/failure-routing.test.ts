import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, EnvelopeError, type ConsumedMessage, type EventProducer, type OutboundMessage } from '@hookstream/kafka';
import { createLogger, createRegistry } from '@hookstream/observability';
import { StoreValidationError } from '@hookstream/store';
import { type EventWriter, type PersistInput } from '../store/index.js';
import { createBatchHandler } from './batch-handler.js';
import type { Enricher } from './enrich.js';
import { duePrefix, retryDelayMs, routeFailure } from '@hookstream/pipeline';
import { createProcessorMetrics } from './metrics.js';

const NOW = 1_769_000_000_000;
const policy = { maxAttempts: 3, baseMs: 30_000, maxMs: 100_000 };

function msg(offset: number, headers: Record<string, string> = {}, event: Record<string, unknown> = {}): ConsumedMessage {
  const ev = {
    eventId: 100 + offset,
    subscriptionId: 1,
    portalId: 7,
    occurredAt: NOW - 1000,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 1 + offset,
    ...event,
  };
  return {
    key: `7:contact:${1 + offset}`,
    value: Buffer.from(JSON.stringify({ v: 1, provider: 'hubspot', receivedAt: NOW, requestId: 'r', signatureVersion: 'v3', event: ev })),
    offset: String(offset),
    timestamp: String(NOW),
    headers,
  };
}

class UnexpectedDbError extends Error {
  readonly code = 'ER_CHECK_CONSTRAINT_VIOLATED';
}

describe('routeFailure (the decision table)', () => {
  const f = (error: Error & { code?: string }, headers: Record<string, string> = {}) => ({ message: msg(5, headers), topic: 'events', partition: 2, error });

  it('dead-letters what no retry can fix at once', () => {
    expect(routeFailure(f(new EnvelopeError('value is not JSON')), policy, NOW)).toMatchObject({ to: 'dlq', letter: { attempts: 1 } });
    expect(routeFailure(f(new StoreValidationError('events[0].propertyName: longer than 255 characters', 0)), policy, NOW)).toMatchObject({
      to: 'dlq',
      letter: { attempts: 1 },
    });
  });

  it('sends an unexpected refusal to the retry topic with exponential not-before, then dead-letters the last attempt', () => {
    const first = routeFailure(f(new UnexpectedDbError('check failed')), policy, NOW);
    expect(first).toMatchObject({ to: 'retry', letter: { attempts: 1, notBefore: NOW + 30_000 } });
    const second = routeFailure(f(new UnexpectedDbError('check failed'), { [DLQ_HEADERS.attempts]: '1' }), policy, NOW);
    expect(second).toMatchObject({ to: 'retry', letter: { attempts: 2, notBefore: NOW + 60_000 } });
    const third = routeFailure(f(new UnexpectedDbError('check failed'), { [DLQ_HEADERS.attempts]: '2' }), policy, NOW);
    expect(third).toMatchObject({ to: 'dlq', letter: { attempts: 3 } });
    expect(third.letter.notBefore).toBeUndefined();
  });

  it('caps the delay and reads a redriven message (attempts 0) as a fresh delivery', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy))).toEqual([30_000, 60_000, 100_000, 100_000, 100_000]);
    expect(routeFailure(f(new UnexpectedDbError('x'), { [DLQ_HEADERS.attempts]: '0' }), policy, NOW)).toMatchObject({ to: 'retry', letter: { attempts: 1 } });
  });

  it('finds the due prefix of a retry batch', () => {
    const nb = (ms: number) => ({ [DLQ_HEADERS.notBefore]: String(ms) });
    expect(duePrefix([msg(0, nb(NOW - 1)), msg(1, nb(NOW)), msg(2, nb(NOW + 500)), msg(3, nb(NOW - 5))], NOW)).toEqual({ due: 2, waitMs: 500 });
    expect(duePrefix([msg(0, nb(NOW + 10))], NOW)).toEqual({ due: 0, waitMs: 10 });
    expect(duePrefix([msg(0), msg(1)], NOW)).toEqual({ due: 2, waitMs: undefined });
  });
});

/** A producer that records what it was asked to send (the real createProducer needs a broker). */
function recordingProducer(): EventProducer & { sent: Array<{ topic: string; messages: OutboundMessage[] }> } {
  const sent: Array<{ topic: string; messages: OutboundMessage[] }> = [];
  const base: Pick<EventProducer, 'connect' | 'disconnect' | 'isConnected'> = { connect: async () => {}, disconnect: async () => {}, isConnected: () => true };
  return { ...base, sent, send: async (topic, messages) => void sent.push({ topic, messages: [...messages] }) };
}

function handlerWith(persist: (input: PersistInput) => Promise<void>) {
  const writer: EventWriter = {
    persist: async (input) => {
      await persist(input);
      return { inserted: input.events.length, duplicates: 0, ids: input.events.map((_, i) => i + 1) };
    },
    claimDue: async () => [],
    completeEnrichment: async () => {},
  };
  const enricher: Enricher = { enrich: async () => new Map() };
  const producer = recordingProducer();
  const handle = createBatchHandler({
    writer,
    enricher,
    producer,
    dlqTopic: 'events.dlq',
    retryTopic: 'events.retry',
    retry: policy,
    log: createLogger({ name: 'test', level: 'silent' }),
    now: () => NOW,
    metrics: createProcessorMetrics(createRegistry('test', false)),
  });
  const ctx = (topic: string, messages: ConsumedMessage[]) => ({ topic, partition: 3, messages, isRunning: () => true, isStale: () => false });
  return { handle, producer, ctx };
}

describe('batch handler failure paths', () => {
  it('stores the good events, retries the one the database refuses unexpectedly and dead-letters the undecodable one', async () => {
    const { handle, producer, ctx } = handlerWith(async (input) => {
      if (input.events.some((e) => e.objectId === 3)) throw new UnexpectedDbError('CONSTRAINT `blk` failed');
    });
    const bad: ConsumedMessage = { ...msg(1), value: Buffer.from('{oops') };
    const r = await handle(ctx('events', [msg(0), bad, msg(2), msg(3)]));
    expect(r).toEqual({ lastDurableOffset: '3' });
    const byTopic = Object.fromEntries(producer.sent.map((s) => [s.topic, s.messages]));
    expect(byTopic['events.retry']?.map((m) => m.headers?.[DLQ_HEADERS.originalOffset])).toEqual(['2']);
    expect(byTopic['events.retry']?.[0]?.headers).toMatchObject({
      [DLQ_HEADERS.attempts]: '1',
      [DLQ_HEADERS.notBefore]: String(NOW + 30_000),
      [DLQ_HEADERS.originalTopic]: 'events',
      [DLQ_HEADERS.originalPartition]: '3',
      [DLQ_HEADERS.firstFailureAt]: String(NOW),
      [DLQ_HEADERS.errorCode]: 'ER_CHECK_CONSTRAINT_VIOLATED',
    });
    expect(byTopic['events.dlq']?.map((m) => m.headers?.[DLQ_HEADERS.errorCode])).toEqual(['ENVELOPE_INVALID']);
    expect(byTopic['events.dlq']?.[0]?.headers?.[DLQ_HEADERS.notBefore]).toBeUndefined();
  });

  it('on the retry topic, processes only due messages, pauses until the next one and keeps the original position', async () => {
    const stored: number[] = [];
    const { handle, producer, ctx } = handlerWith(async (input) => {
      if (input.events.some((e) => e.objectId === 1)) throw new UnexpectedDbError('still failing');
      stored.push(...input.events.map((e) => e.objectId));
    });
    const retried = (offset: number, notBefore: number, attempts: string) =>
      msg(offset, {
        [DLQ_HEADERS.attempts]: attempts,
        [DLQ_HEADERS.notBefore]: String(notBefore),
        [DLQ_HEADERS.originalTopic]: 'events',
        [DLQ_HEADERS.originalPartition]: '9',
        [DLQ_HEADERS.originalOffset]: `${offset + 1000}`,
        [DLQ_HEADERS.firstFailureAt]: String(NOW - 60_000),
      });
    const r = await handle(ctx('events.retry', [retried(0, NOW - 10, '2'), retried(1, NOW, '1'), retried(2, NOW + 4000, '1')]));
    expect(r).toEqual({ lastDurableOffset: '1', pauseMs: 4000 });
    expect(stored).toEqual([2]);
    const [dlq] = producer.sent.filter((s) => s.topic === 'events.dlq');
    // Attempt 3 of 3 failed: dead-lettered with the position where the event first entered the stream.
    expect(dlq?.messages[0]?.headers).toMatchObject({
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.originalPartition]: '9',
      [DLQ_HEADERS.originalOffset]: '1000',
      [DLQ_HEADERS.firstFailureAt]: String(NOW - 60_000),
    });
    expect(dlq?.messages[0]?.headers?.[DLQ_HEADERS.notBefore]).toBeUndefined();
  });

  it('on the retry topic, a batch whose first message is not due processes nothing and pauses', async () => {
    const { handle, producer, ctx } = handlerWith(async () => {
      throw new Error('must not be called');
    });
    const r = await handle(ctx('events.retry', [msg(0, { [DLQ_HEADERS.notBefore]: String(NOW + 1) })]));
    expect(r).toEqual({ lastDurableOffset: null, pauseMs: 1 });
    expect(producer.sent).toHaveLength(0);
  });

  it('ignores not-before headers on the events topic (a redrive strips them; a stray one must not stall the stream)', async () => {
    const { handle, ctx } = handlerWith(async () => {});
    const r = await handle(ctx('events', [msg(0, { [DLQ_HEADERS.notBefore]: String(NOW + 60_000) })]));
    expect(r).toEqual({ lastDurableOffset: '0' });
  });
});
