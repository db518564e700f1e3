import type { FieldError } from '@hookstream/core';
import { findUnstorable, toPointer, type HeaderMap } from '@hookstream/pipeline';
import { badRequest, validationFailed } from './errors.js';
import { readEventType } from './event-type.js';
import { bodyIssue, jsonKind } from './issues.js';
import { dealPayloadSchema, type DealData } from './payload-schema.js';

export interface DealRequest {
  /** The x-event header: the ledger's type. */
  type: string;
  /** The body as received (parsed), stored whole as the ledger's raw. */
  body: Record<string, unknown>;
  deal: DealData;
}

// fatal: invalid UTF-8 is refused rather than silently turned into U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The event type and the deal of one webhook, or an AppError: 400 for a body that is no JSON,
 * 422 with every problem (header and body together) otherwise.
 */
export function parseDealRequest(rawBody: Buffer, headers: HeaderMap): DealRequest {
  const json = decodeJson(rawBody);
  const errors: FieldError[] = [];
  const type = readEventType(headers, errors);
  const deal = readDeal(json, errors);
  if (errors.length > 0 || type === null || deal === null) throw validationFailed(errors);
  return { type, body: json as Record<string, unknown>, deal };
}

function readDeal(json: unknown, errors: FieldError[]): DealData | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    errors.push({ path: '', message: `expected a JSON object, got ${jsonKind(json)}` });
    return null;
  }
  // First: a value nested 10,000 deep must not reach the schema or the store.
  const unstorable = findUnstorable(json);
  if (unstorable) {
    errors.push({ path: unstorable.path, message: unstorable.message });
    return null;
  }
  const r = dealPayloadSchema.safeParse(json, { error: bodyIssue });
  if (r.success) return r.data.data;
  for (const issue of r.error.issues) errors.push({ path: toPointer(issue.path.map((p) => (typeof p === 'number' ? p : String(p)))), message: issue.message });
  return null;
}

function decodeJson(rawBody: Buffer): unknown {
  if (rawBody.length === 0) throw badRequest('body is empty: expected a JSON object');
  let text: string;
  try {
    text = utf8.decode(rawBody);
  } catch {
    throw badRequest('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not JSON.parse's message: V8 quotes the text around the error, which may be a customer's data.
    throw badRequest('body is not valid JSON');
  }
}
