import { createHash } from 'node:crypto';
import type { FieldError } from '@hookstream/core';
import { invalidRecord } from './errors.js';
import type { ArchiveRecord } from './record.js';

/*
 * Object layout (relative to the backend's root: a directory, or a bucket plus optional prefix):
 *
 *   raw/<provider>/<source>/<YYYY>/<MM>/<DD>/<HH>/<receivedAt:13 digits>-<requestId>.json.gz   the record
 *   ids/<2 hex of sha256(requestId)>/<requestId>.json                                          {"v":1,"key":"raw/..."}
 *
 * Partitions are UTC hours of receivedAt. The file name starts with receivedAt zero-padded to
 * 13 digits, so within one source every key sorts (byte order, which is S3's listing order) by
 * arrival time: retention lists a source oldest first and stops at the first record it keeps,
 * without opening any object. The index object under ids/ is what lets get(requestId) find a
 * record by id alone without a scan; its 2-hex shard keeps local directories small and spreads
 * S3 request load across prefixes.
 */

export const RAW_ROOT = 'raw/';
export const INDEX_ROOT = 'ids/';
const DATA_SUFFIX = '.json.gz';

/** Path segments must be safe as both S3 keys and file names: no '/', no '..', no case games. */
const SEGMENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const METHOD = /^[A-Z]{1,16}$/;
/** receivedAt must fit 13 digits so that the zero-padded file names sort numerically. */
const MAX_RECEIVED_AT = 9_999_999_999_999;

export function isRequestId(value: string): boolean {
  return REQUEST_ID.test(value);
}

/** Refuses, with every failing field, a record whose fields cannot be laid out safely. */
export function assertValidRecord(r: ArchiveRecord): void {
  const errors: FieldError[] = [];
  if (typeof r.requestId !== 'string' || !REQUEST_ID.test(r.requestId)) errors.push({ path: '/requestId', message: 'must be 1-128 of A-Z a-z 0-9 . _ -' });
  if (!Number.isSafeInteger(r.receivedAt) || r.receivedAt < 0 || r.receivedAt > MAX_RECEIVED_AT)
    errors.push({ path: '/receivedAt', message: 'must be epoch milliseconds' });
  if (typeof r.provider !== 'string' || !SEGMENT.test(r.provider)) errors.push({ path: '/provider', message: 'must be 1-63 of a-z 0-9 _ -' });
  if (typeof r.source !== 'string' || !SEGMENT.test(r.source)) errors.push({ path: '/source', message: 'must be 1-63 of a-z 0-9 _ -' });
  if (typeof r.method !== 'string' || !METHOD.test(r.method)) errors.push({ path: '/method', message: 'must be an upper-case HTTP method' });
  if (typeof r.url !== 'string') errors.push({ path: '/url', message: 'must be a string' });
  if (!Buffer.isBuffer(r.body)) errors.push({ path: '/body', message: 'must be a Buffer' });
  if (typeof r.headers !== 'object' || r.headers === null) errors.push({ path: '/headers', message: 'must be an object' });
  if (errors.length > 0) throw invalidRecord(errors);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function partitionOf(provider: string, source: string, receivedAt: number): string {
  const d = new Date(receivedAt);
  const date = `${pad(d.getUTCFullYear(), 4)}/${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/${pad(d.getUTCHours(), 2)}`;
  return `${RAW_ROOT}${provider}/${source}/${date}/`;
}

export function dataKey(r: Pick<ArchiveRecord, 'provider' | 'source' | 'receivedAt' | 'requestId'>): string {
  return `${partitionOf(r.provider, r.source, r.receivedAt)}${pad(r.receivedAt, 13)}-${r.requestId}${DATA_SUFFIX}`;
}

export function indexKey(requestId: string): string {
  const shard = createHash('sha256').update(requestId).digest('hex').slice(0, 2);
  return `${INDEX_ROOT}${shard}/${requestId}.json`;
}

export interface ParsedDataKey {
  receivedAt: number;
  requestId: string;
}

const DATA_FILE = /^(\d{13})-([A-Za-z0-9][A-Za-z0-9._-]{0,127})\.json\.gz$/;

/** receivedAt and requestId from a record's key; null for anything else (debris, foreign objects). */
export function parseDataKey(key: string): ParsedDataKey | null {
  if (!key.startsWith(RAW_ROOT)) return null;
  const name = key.slice(key.lastIndexOf('/') + 1);
  const m = DATA_FILE.exec(name);
  if (!m?.[1] || !m[2]) return null;
  return { receivedAt: Number(m[1]), requestId: m[2] };
}

/** True for a name that is a valid provider or source segment (listing results are checked before use). */
export function isSegment(value: string): boolean {
  return SEGMENT.test(value);
}
