import type { DeliveryItem } from '@hookstream/deliveries';
import type { MetaDestinationConfig } from './config.js';
import { buildUserData, type UserData } from './user-data.js';

/** One entry of the request's `data`. */
export interface ServerEvent {
  event_name: string;
  event_time: number;
  action_source: 'system_generated';
  event_id: string;
  user_data: UserData;
  custom_data?: { value: number; currency: string };
}

/** Meta refuses a whole request holding an event older than this (using-the-api, "Batch Requests"). */
export const MAX_EVENT_AGE_SEC = 7 * 24 * 60 * 60;

export type Prepared = { ok: true; event: ServerEvent } | { ok: false; reason: string };

type Fields = Record<string, unknown>;
const isRecord = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
// CRMs often send money as a decimal string ("12500000.00"); both forms are the same value.
const numberOf = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : null);

/**
 * Turns a ledger event (the CRM deal body as `raw`) into a Conversions API event, or says why
 * it can never be sent. Each refusal here is one Meta would answer with code 100 for the whole
 * batch, so catching it locally keeps the other events of the batch going out.
 */
export function prepareEvent(item: DeliveryItem, config: MetaDestinationConfig, nowMs: number): Prepared {
  const raw = item.event.raw;
  const data = isRecord(raw) && isRecord(raw.data) ? raw.data : null;
  if (data === null) return { ok: false, reason: 'the event carries no deal (`data` is missing)' };
  const details = isRecord(data.dealDetails) ? data.dealDetails : {};
  const dealId = text(data.dealId);
  const status = text(details.status);
  if (dealId === null || status === null) return { ok: false, reason: 'the deal has no dealId or dealDetails.status to build event_id from' };

  const eventTime = Math.floor(item.event.occurredAt / 1000);
  const ageSec = Math.floor(nowMs / 1000) - eventTime;
  if (ageSec > MAX_EVENT_AGE_SEC) {
    return { ok: false, reason: `event_time is ${Math.floor(ageSec / 3600)} h old; Meta accepts events up to 7 days old` };
  }

  const userData = buildUserData(isRecord(data.customer) ? data.customer : {}, isRecord(data.propertyInformation) ? data.propertyInformation : {});
  if (Object.keys(userData).length === 0) return { ok: false, reason: 'no customer identifier could be normalised for user_data' };

  const event: ServerEvent = {
    event_name: config.eventName,
    event_time: eventTime,
    action_source: 'system_generated',
    event_id: `${dealId}:${status}`,
    user_data: userData,
  };
  if (config.withValue) {
    const value = numberOf(details.dealValue);
    const currency = text(details.currency);
    if (value === null || !Number.isFinite(value) || currency === null || !/^[A-Za-z]{3}$/.test(currency)) {
      return { ok: false, reason: 'withValue is set but the deal has no numeric dealValue and ISO 4217 currency' };
    }
    // The SDK upper-cases currency codes; Meta accepts either case.
    event.custom_data = { value, currency: currency.toUpperCase() };
  }
  return { ok: true, event };
}
