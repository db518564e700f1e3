/** action_source values Meta documents (conversions-api/parameters). */
export const ACTION_SOURCES = ['email', 'website', 'app', 'phone_call', 'chat', 'physical_store', 'system_generated', 'business_messaging', 'other'] as const;

/** user_data keys Meta requires SHA-256 hashed (customer-information-parameters). */
export const HASHED_KEYS = ['em', 'ph', 'fn', 'ln', 'ge', 'db', 'ct', 'st', 'zp', 'country'] as const;

export const MAX_EVENTS = 1000;
const DAY_SEC = 24 * 60 * 60;
/** physical_store events may be 62 days old; all others 7 (using-the-api). */
const maxAgeSec = (source: unknown): number => (source === 'physical_store' ? 62 : 7) * DAY_SEC;

/**
 * How far ahead event_time may be is not documented [unconfirmed]; an hour tolerates clock skew
 * and still catches the classic bug of sending milliseconds.
 */
export const MAX_FUTURE_SEC = 60 * 60;

const SHA256_HEX = /^[a-f0-9]{64}$/;

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const values = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** What is wrong with one event, or null. Meta names the parameter; the fake names it too. */
export function eventProblem(e: unknown, nowSec: number): { message: string; subcode?: number; title?: string } | null {
  if (!isRecord(e)) return { message: 'must be an object' };
  if (typeof e.event_name !== 'string' || e.event_name.trim() === '') return { message: 'event_name is required' };
  if (typeof e.event_time !== 'number' || !Number.isInteger(e.event_time) || e.event_time <= 0) {
    return { message: 'event_time must be an integer unix timestamp in seconds' };
  }
  if (!(ACTION_SOURCES as readonly unknown[]).includes(e.action_source)) return { message: `action_source must be one of ${ACTION_SOURCES.join(', ')}` };
  // Subcode 2804003 "Event Timestamp Too Old" is seen in public client code only [unconfirmed].
  if (nowSec - e.event_time > maxAgeSec(e.action_source))
    return { message: 'event_time is too far in the past', subcode: 2804003, title: 'Event Timestamp Too Old' };
  if (e.event_time - nowSec > MAX_FUTURE_SEC) return { message: 'event_time is in the future (milliseconds instead of seconds?)' };
  if (e.action_source === 'website' && (typeof e.event_source_url !== 'string' || typeof e.client_user_agent !== 'string')) {
    return { message: 'website events need event_source_url and client_user_agent' };
  }
  if (e.event_id !== undefined && typeof e.event_id !== 'string') return { message: 'event_id must be a string' };
  if (!isRecord(e.user_data) || Object.keys(e.user_data).length === 0) return { message: 'user_data must carry at least one customer information parameter' };
  for (const key of HASHED_KEYS) {
    const v = e.user_data[key];
    if (v === undefined) continue;
    if (!values(v).every((x) => typeof x === 'string' && SHA256_HEX.test(x))) return { message: `user_data.${key} must be SHA-256 hashed (64 lowercase hex)` };
  }
  const ext = e.user_data.external_id;
  if (ext !== undefined && !values(ext).every((x) => typeof x === 'string' && x !== ''))
    return { message: 'user_data.external_id must be a string or a list of strings' };
  if (e.custom_data !== undefined) {
    if (!isRecord(e.custom_data)) return { message: 'custom_data must be an object' };
    const { value, currency } = e.custom_data;
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return { message: 'custom_data.value must be a number' };
    if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency)))
      return { message: 'custom_data.currency must be an ISO 4217 code' };
  }
  return null;
}

/** The first problem of a `data` list, naming its index, or null when all events are valid. */
export function dataProblem(
  data: unknown,
  nowSec: number,
  extra?: (event: Record<string, unknown>) => string | null,
): { message: string; subcode?: number; title?: string } | null {
  if (!Array.isArray(data) || data.length === 0) return { message: 'data must be a non-empty JSON array of events' };
  if (data.length > MAX_EVENTS) return { message: `data may hold at most ${MAX_EVENTS} events, got ${data.length}` };
  for (const [i, e] of data.entries()) {
    const own = eventProblem(e, nowSec);
    const extraMessage = own === null && extra !== undefined ? extra(e as Record<string, unknown>) : null;
    const p = own ?? (extraMessage === null ? null : { message: extraMessage });
    if (p !== null) return { ...p, message: `Invalid parameter: data[${i}]: ${p.message}` };
  }
  return null;
}
