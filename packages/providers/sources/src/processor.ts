import { decodeLedgerEnvelope, EnvelopeError, type ConsumedMessage } from '@hookstream/kafka';
import {
  ledgerEventOf,
  createBatchRuntime,
  createRuntimeMetrics,
  type DecodedMessage,
  type DecodeOutcome,
  type ProcessorContext,
  type ProcessorPart,
  type ProcessStep,
} from '@hookstream/pipeline';
import { inTransaction, openLedgerInsert, prepareLedgerRow, type DataSource, type LedgerEvent } from '@hookstream/store';
import { PROVIDER } from './compile.js';

export interface SourceMessage extends DecodedMessage {
  ledger: LedgerEvent;
}

export interface SourcesProcessorSettings {
  topic: string;
  groupId: string;
  retry: { maxAttempts: number; baseMs: number; maxMs: number };
}

/** The edge validated the event against its schema; the envelope carries every ledger field. */
export function decodeSourceMessage(message: ConsumedMessage): DecodeOutcome<SourceMessage> {
  try {
    const e = decodeLedgerEnvelope(message.value);
    if (e.provider !== PROVIDER) throw new EnvelopeError(`provider "${e.provider}" on the sources topic`);
    const ledger: LedgerEvent = ledgerEventOf(e);
    return { ok: true, value: { offset: message.offset, dedupeKey: `${e.source}\u0000${e.idempotencyKey}`, ledger } };
  } catch (err) {
    if (err instanceof EnvelopeError) return { ok: false, error: err };
    throw err;
  }
}

/** A generic source's batch: its ledger rows, idempotently, in one transaction. Nothing else to keep. */
export function sourcesStep(ds: DataSource, now: () => number): ProcessStep<SourceMessage, undefined> {
  return {
    decode: decodeSourceMessage,
    async persist(events) {
      const at = now();
      const rows = events.map((e) => prepareLedgerRow(e.ledger, at));
      const ids = await inTransaction(ds, 'persist sources', { lockWaitTimeoutSec: 10, ledgerIds: rows.length }, async (qr) =>
        (await openLedgerInsert(qr, { chunkSize: 500, chunkBytes: 4 * 1024 * 1024 })).insert(rows),
      );
      const inserted = ids.filter((id) => id !== null).length;
      return { inserted, duplicates: events.length - inserted };
    },
  };
}

export function sourcesProcessorPart(settings: SourcesProcessorSettings, ctx: ProcessorContext): ProcessorPart {
  const topics = { events: settings.topic, retry: `${settings.topic}.retry`, dlq: `${settings.topic}.dlq` };
  return {
    groupId: settings.groupId,
    topics,
    handler: createBatchRuntime(sourcesStep(ctx.dataSource, ctx.now), {
      producer: ctx.producer,
      dlqTopic: topics.dlq,
      retryTopic: topics.retry,
      retry: settings.retry,
      log: ctx.log.child({ provider: PROVIDER }),
      now: ctx.now,
      metrics: createRuntimeMetrics(ctx.registry)(PROVIDER),
      tracing: ctx.tracing,
    }),
  };
}
