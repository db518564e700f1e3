import { findUnstorable, type HeaderMap } from '@hookstream/pipeline';
import { addAjvErrors } from './ajv.js';
import type { CompiledSource, DeliveryPlan } from './compile.js';
import { decodeBody } from './decode-body.js';
import { ErrorSink } from './error-sink.js';
import { validationFailed } from './errors.js';
import { buildKey } from './idempotency.js';
import { readBody, readHeaderValue, type Field } from './locator.js';
import { MAX_REPORTED_ERRORS, MAX_SUBJECT_LENGTH, MAX_TENANT_LENGTH } from './limits.js';
import { parseOccurredAt } from './occurred-at.js';
import type { SourceEvent } from './source-event.js';

export interface DeliveryRequest {
  rawBody: Buffer;
  headers: HeaderMap;
  /** Epoch ms the edge received the request: occurredAt when the source names no field. */
  receivedAt: number;
}

/**
 * The events of one delivery, validated against the source's compiled schemas. All events of
 * all items are checked and every problem is reported (up to MAX_REPORTED_ERRORS) with its
 * JSON pointer in the body; any problem refuses the whole delivery. Throws AppError:
 * 400 BAD_REQUEST for a body that is no delivery at all, 422 VALIDATION_FAILED otherwise.
 */
export function parseDelivery(source: CompiledSource, req: DeliveryRequest): SourceEvent[] {
  const { items, isArray } = decodeBody(req.rawBody, source.maxEvents);
  const errors = new ErrorSink(MAX_REPORTED_ERRORS);
  const events: SourceEvent[] = [];
  for (let i = 0; i < items.length && !errors.full; i++) {
    const event = parseEvent(source, items[i], isArray ? i : null, req, errors);
    if (event) events.push(event);
  }
  if (errors.list.length > 0) throw validationFailed(errors.list, errors.truncated);
  return events;
}

function parseEvent(source: CompiledSource, item: unknown, index: number | null, req: DeliveryRequest, errors: ErrorSink): SourceEvent | null {
  const pointer = index === null ? '' : `/${index}`;
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    errors.add(pointer, 'expected an object');
    return null;
  }
  // First: a value nested 10,000 deep must not reach JSON.stringify (content hash) or the store.
  const unstorable = findUnstorable(item);
  if (unstorable) {
    errors.add(pointer + unstorable.path, unstorable.message);
    return null;
  }
  const before = errors.list.length;
  const plan = source.plan;
  const type = resolveType(plan, source.eventTypes, item, pointer, req.headers, errors);
  if (type !== null) {
    const validate = plan.validators.get(type);
    if (validate && !validate(item) && validate.errors) addAjvErrors(validate.errors, pointer, errors);
  }
  const idempotencyKey = buildKey(plan.key, { event: item, pointer, index, headers: req.headers }, errors);
  const occurredAt = plan.occurredAt ? readTime(plan.occurredAt, item, pointer, req.headers, errors) : req.receivedAt;
  const tenant = plan.tenant ? readLabel(plan.tenant, item, pointer, req.headers, MAX_TENANT_LENGTH, 'tenant', errors) : null;
  const subject = plan.subject ? readLabel(plan.subject, item, pointer, req.headers, MAX_SUBJECT_LENGTH, 'subject', errors) : null;
  if (errors.list.length > before || errors.truncated || type === null || idempotencyKey === null || occurredAt === null) return null;
  return { type, eventId: idempotencyKey, idempotencyKey, occurredAt, tenant: tenant ?? null, subject: subject ?? null, data: item };
}

type Read = { ok: true; value: unknown } | { ok: false };

/** A field's raw value; a header's absence is reported here, once per delivery. */
function read(field: Field, item: unknown, headers: HeaderMap, what: string, errors: ErrorSink): Read {
  if (field.from === 'body') return { ok: true, value: readBody(item, field.segments) };
  const h = readHeaderValue(headers, field.name);
  if (h.ok) return { ok: true, value: h.value };
  errors.add('', `${h.message} (${what})`);
  return { ok: false };
}

const pathOf = (field: Field, pointer: string) => (field.from === 'body' ? pointer + field.pointer : '');

function resolveType(plan: DeliveryPlan, types: readonly string[], item: unknown, pointer: string, headers: HeaderMap, errors: ErrorSink): string | null {
  const loc = plan.eventType;
  if (loc.from === 'value') return loc.value;
  const r = read(loc, item, headers, 'event type', errors);
  if (!r.ok) return null;
  const path = pathOf(loc, pointer);
  if (r.value === undefined || r.value === null || r.value === '') {
    errors.add(path, 'is required (event type)');
    return null;
  }
  if (typeof r.value !== 'string') {
    errors.add(path, 'must be a string (event type)');
    return null;
  }
  if (!plan.validators.has(r.value)) {
    errors.add(path, `unknown event type ${JSON.stringify(r.value.slice(0, 100))} (expected ${types.join(', ')})`);
    return null;
  }
  return r.value;
}

function readTime(field: Field, item: unknown, pointer: string, headers: HeaderMap, errors: ErrorSink): number | null {
  const r = read(field, item, headers, 'occurredAt', errors);
  if (!r.ok) return null;
  if (r.value === undefined || r.value === null) {
    errors.add(pathOf(field, pointer), 'is required (occurredAt)');
    return null;
  }
  const t = parseOccurredAt(r.value);
  if (typeof t === 'string') {
    errors.add(pathOf(field, pointer), `${t} (occurredAt)`);
    return null;
  }
  return t;
}

/** tenant and subject: optional per event (null), a string or number when present. */
function readLabel(field: Field, item: unknown, pointer: string, headers: HeaderMap, max: number, what: string, errors: ErrorSink): string | null | undefined {
  if (field.from === 'header') {
    const h = readHeaderValue(headers, field.name);
    return h.ok ? checkLength(h.value, max, '', what, errors) : null;
  }
  const v = readBody(item, field.segments);
  if (v === undefined || v === null || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return checkLength(v, max, pointer + field.pointer, what, errors);
  errors.add(pointer + field.pointer, `must be a string or a number (${what})`);
  return undefined;
}

function checkLength(v: string, max: number, path: string, what: string, errors: ErrorSink): string | undefined {
  if (v.length <= max) return v;
  errors.add(path, `is longer than ${max} characters (${what})`);
  return undefined;
}
