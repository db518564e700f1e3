import type { EventPosition, SortOrder } from '@hookstream/store';
import { badRequest } from './errors.js';

/**
 * Opaque page cursors: base64url JSON of the keyset position plus what it is valid for. They are
 * not secret or signed — a forged cursor is just another position — but a cursor carries its
 * endpoint and order so reusing it elsewhere is a clear 400 instead of a silently wrong page.
 */
export type CursorKind = 'events' | 'timeline' | 'geofence-events';

interface PositionCursor {
  v: 1;
  k: CursorKind;
  o: SortOrder;
  t: number;
  i: number;
}

interface ChangesCursor {
  v: 1;
  k: 'changes';
  i: number;
}

const MAX_CURSOR_LENGTH = 256;

export function encodePositionCursor(kind: CursorKind, order: SortOrder, pos: EventPosition): string {
  const c: PositionCursor = { v: 1, k: kind, o: order, t: pos.occurredAt, i: pos.id };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodePositionCursor(param: string, raw: string, kind: CursorKind, order: SortOrder): EventPosition {
  const c = decode(param, raw);
  if (c.k !== kind) throw badRequest(param, `belongs to another endpoint (${String(c.k)})`);
  if (c.o !== order) {
    throw badRequest(param, `was issued for order=${String(c.o)}; use the same order or start without a cursor`);
  }
  if (!isSafeNonNegative(c.t) || !isSafeNonNegative(c.i)) throw badRequest(param, 'malformed cursor');
  return { occurredAt: c.t as number, id: c.i as number };
}

export function encodeChangesCursor(afterId: number): string {
  const c: ChangesCursor = { v: 1, k: 'changes', i: afterId };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeChangesCursor(param: string, raw: string): number {
  const c = decode(param, raw);
  if (c.k !== 'changes') throw badRequest(param, 'is not a changes-feed cursor (use nextCursor from /events/changes)');
  if (!isSafeNonNegative(c.i)) throw badRequest(param, 'malformed cursor');
  return c.i as number;
}

function decode(param: string, raw: string): Record<string, unknown> {
  if (raw.length === 0 || raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw badRequest(param, 'malformed cursor');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badRequest(param, 'malformed cursor');
  }
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== 1) throw badRequest(param, 'malformed cursor');
  return value as Record<string, unknown>;
}

function isSafeNonNegative(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
