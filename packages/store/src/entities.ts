import { EntitySchema } from 'typeorm';
import type { LedgerRecord } from './ledger/types.js';

/**
 * TypeORM metadata for the shared tables (EntitySchema, no decorators). The hot paths use
 * parameterised SQL through a QueryRunner; these schemas keep the model declared in one place,
 * let ad-hoc code use repositories, and a test checks they match the migrated schema (TypeORM's
 * schema builder must find nothing to change). Providers declare their own tables' schemas.
 */

/** One ledger row: every accepted event of every provider (provider-specific columns live in the provider's tables). */
export type LedgerRow = LedgerRecord;

export interface EventSequenceRow {
  id: number;
  /** The first id of the next reserved range (see ledger/reservations.ts). */
  nextId: number;
}

const big = (name: string, nullable = false) => ({ type: 'bigint' as const, name, nullable });
const str = (name: string, length: number, nullable = false) => ({ type: 'varchar' as const, name, length, nullable });

export const EventEntity = new EntitySchema<LedgerRow>({
  name: 'Event',
  tableName: 'events',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', unsigned: true },
    provider: str('provider', 32),
    source: str('source', 64),
    tenant: str('tenant', 128, true),
    type: str('type', 128),
    subject: str('subject', 255, true),
    eventId: str('event_id', 255),
    // Bytes, compared exactly (see the Ledger migration): up to 255 characters of UTF-8.
    idempotencyKey: { type: 'varbinary', name: 'idempotency_key', length: 1020 },
    occurredAt: big('occurred_at'),
    receivedAt: big('received_at'),
    processedAt: big('processed_at'),
    requestId: str('request_id', 64, true),
    raw: { type: 'json', name: 'raw' },
    traceparent: str('traceparent', 55, true),
  },
  uniques: [{ name: 'uq_events_idempotency', columns: ['provider', 'source', 'idempotencyKey'] }],
  indices: [
    { name: 'ix_events_occurred', columns: ['occurredAt', 'id'] },
    { name: 'ix_events_provider_occurred', columns: ['provider', 'occurredAt', 'id'] },
    { name: 'ix_events_source_occurred', columns: ['provider', 'source', 'occurredAt', 'id'] },
    { name: 'ix_events_tenant_occurred', columns: ['provider', 'tenant', 'occurredAt', 'id'] },
    { name: 'ix_events_subject_timeline', columns: ['provider', 'tenant', 'subject', 'occurredAt', 'id'] },
    { name: 'ix_events_type_occurred', columns: ['type', 'occurredAt', 'id'] },
    { name: 'ix_events_provider_changes', columns: ['provider', 'id'] },
    { name: 'ix_events_tenant_changes', columns: ['provider', 'tenant', 'id'] },
  ],
});

export const EventSequenceEntity = new EntitySchema<EventSequenceRow>({
  name: 'EventSequence',
  tableName: 'event_sequence',
  columns: { id: { type: 'tinyint', primary: true }, nextId: { type: 'bigint', name: 'next_id', unsigned: true, default: 1 } },
});

export const ENTITIES = [EventEntity, EventSequenceEntity];
