import { badRequest } from '@hookstream/pipeline';

/**
 * Opaque cursors of the admin lists, like the event routes' cursors: base64url JSON of the
 * keyset position and what it belongs to, so a cursor reused on another list (or another
 * endpoint's log) is a clear 400 instead of a silently wrong page. Not secret, not signed.
 */
export type AdminCursorKind = 'endpoints' | 'deliveries' | 'event-deliveries';

interface Cursor {
  v: 1;
  k: AdminCursorKind;
  /** What the list is of (the endpoint id of a delivery log, the event id of an event's deliveries). */
  of?: string;
  /** The last row shown: an endpoint id or an event id. */
  at: string | number;
}

const MAX_LENGTH = 256;

export function encodeCursor(kind: AdminCursorKind, at: string | number, of?: string): string {
  const c: Cursor = { v: 1, k: kind, ...(of !== undefined ? { of } : {}), at };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decode(param: string, raw: string, kind: AdminCursorKind, of: string | undefined): unknown {
  if (raw.length === 0 || raw.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw badRequest(param, 'malformed cursor');
  let c: Partial<Cursor>;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    throw badRequest(param, 'malformed cursor');
  }
  if (typeof c !== 'object' || c === null || c.v !== 1) throw badRequest(param, 'malformed cursor');
  if (c.k !== kind) throw badRequest(param, `belongs to another list (${String(c.k)})`);
  if (c.of !== of) throw badRequest(param, 'belongs to another endpoint or event; start without a cursor');
  return c.at;
}

export function decodeIdCursor(param: string, raw: string, kind: AdminCursorKind, of?: string): string {
  const at = decode(param, raw, kind, of);
  if (typeof at !== 'string' || at.length === 0 || at.length > 64) throw badRequest(param, 'malformed cursor');
  return at;
}

export function decodeEventCursor(param: string, raw: string, kind: AdminCursorKind, of?: string): number {
  const at = decode(param, raw, kind, of);
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) throw badRequest(param, 'malformed cursor');
  return at;
}
