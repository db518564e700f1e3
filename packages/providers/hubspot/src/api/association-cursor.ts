import type { AssociationPosition } from '../store/index.js';
import { badRequest } from '@hookstream/pipeline';

/**
 * Opaque cursor of the associations route: base64url JSON of the last row's key, bound to the
 * includeRemoved it was issued for (the same position means a different page otherwise).
 * Longer than event cursors can be, since it carries an association type name.
 */
interface AssociationCursor {
  v: 1;
  k: 'associations';
  r: boolean;
  t: string;
  i: number;
  a: string;
  p: boolean;
}

const MAX_LENGTH = 512;

export function encodeAssociationCursor(pos: AssociationPosition, includeRemoved: boolean): string {
  const c: AssociationCursor = { v: 1, k: 'associations', r: includeRemoved, t: pos.toObjectType, i: pos.toObjectId, a: pos.associationType, p: pos.isPrimary };
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeAssociationCursor(param: string, raw: string, includeRemoved: boolean): AssociationPosition {
  const malformed = () => badRequest(param, 'malformed cursor');
  if (raw.length > MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw malformed();
  let c: Partial<AssociationCursor>;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<AssociationCursor>;
  } catch {
    throw malformed();
  }
  if (typeof c !== 'object' || c === null || c.v !== 1) throw malformed();
  if (c.k !== 'associations') throw badRequest(param, `belongs to another endpoint (${String(c.k)})`);
  if (c.r !== includeRemoved) throw badRequest(param, `was issued for includeRemoved=${String(c.r)}; use the same value or start without a cursor`);
  if (typeof c.t !== 'string' || typeof c.a !== 'string' || typeof c.p !== 'boolean' || typeof c.i !== 'number' || !Number.isSafeInteger(c.i) || c.i < 0)
    throw malformed();
  return { toObjectType: c.t, toObjectId: c.i, associationType: c.a, isPrimary: c.p };
}
