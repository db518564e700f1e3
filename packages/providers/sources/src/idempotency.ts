import { hash } from 'node:crypto';
import type { HeaderMap } from '@hookstream/pipeline';
import type { ErrorSink } from './error-sink.js';
import { bodyField, readBody, readHeaderValue, type Field } from './locator.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './limits.js';
import type { GenericSource } from './schema.js';

/**
 * How an event's idempotency key is made: configured fields joined with ':', or, by default,
 * Standard Webhooks' `webhook-id` header, or else a hash of the event's content.
 */
export type KeyPlan = { kind: 'fields'; fields: readonly Field[]; /** no body field: the key is per request */ perRequest: boolean } | { kind: 'content' };

export function compileKeyPlan(source: Pick<GenericSource, 'idempotencyKey' | 'auth'>): KeyPlan {
  const parts = source.idempotencyKey ?? (source.auth.type === 'standard_webhooks' ? ['header.webhook-id'] : undefined);
  if (parts === undefined) return { kind: 'content' };
  const fields = parts.map((p): Field => (p.startsWith('header.') ? { from: 'header', name: p.slice('header.'.length) } : bodyField(p.slice('body.'.length))));
  return { kind: 'fields', fields, perRequest: fields.every((f) => f.from === 'header') };
}

export interface KeyInput {
  event: unknown;
  /** JSON pointer of the event in the body: '' for an object body, `/3` in an array. */
  pointer: string;
  /** Position in an array body, or null for an object body. */
  index: number | null;
  headers: HeaderMap;
}

/** The key, or null after adding to `errors` what keeps it from being made. */
export function buildKey(plan: KeyPlan, input: KeyInput, errors: ErrorSink): string | null {
  if (plan.kind === 'content') {
    // The parsed event's JSON text: the same event redelivered hashes the same; whitespace
    // and escapes in the raw bytes do not matter.
    return hash('sha256', JSON.stringify(input.event), 'hex');
  }
  let key = '';
  let ok = true;
  for (let i = 0; i < plan.fields.length; i++) {
    const field = plan.fields[i] as Field;
    const part = readPart(field, input, errors);
    if (part === null) ok = false;
    else key += i === 0 ? part : `:${part}`;
  }
  if (!ok) return null;
  // A key made only of headers is the request's: events of one array body must still differ.
  if (plan.perRequest && input.index !== null) key += `:${input.index}`;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    errors.add(input.pointer, `idempotency key is longer than ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
    return null;
  }
  return key;
}

function readPart(field: Field, input: KeyInput, errors: ErrorSink): string | null {
  if (field.from === 'header') {
    const h = readHeaderValue(input.headers, field.name);
    if (h.ok) return h.value;
    errors.add('', `${h.message} (idempotency key)`);
    return null;
  }
  const v = readBody(input.event, field.segments);
  if (typeof v === 'string' && v !== '') return v;
  // An integer beyond 2^53 was already rounded by JSON.parse: two events would share a key.
  if (typeof v === 'number' && Number.isFinite(v) && (Number.isSafeInteger(v) || !Number.isInteger(v))) return String(v);
  const path = input.pointer + field.pointer;
  if (typeof v === 'number' && Number.isInteger(v)) {
    errors.add(path, 'is an integer beyond 2^53, which a JSON number cannot carry exactly; send it as a string (idempotency key)');
    return null;
  }
  errors.add(path, v === undefined || v === null || v === '' ? 'is required (idempotency key)' : 'must be a string or a number (idempotency key)');
  return null;
}
