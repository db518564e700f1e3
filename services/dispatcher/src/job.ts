import { ENDPOINT_ID } from '@hookstream/deliveries';

/** One delivery job on the deliveries topic: deliver this ledger event to this endpoint. */
export interface DeliveryJob {
  endpointId: string;
  eventId: number;
}

export function encodeJob(j: DeliveryJob): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, endpointId: j.endpointId, eventId: j.eventId }));
}

/** Null for anything that is not a job of ours (logged and skipped by the intake). */
export function decodeJob(value: Buffer | null): DeliveryJob | null {
  if (!value) return null;
  try {
    const o = JSON.parse(value.toString('utf8')) as { v?: unknown; endpointId?: unknown; eventId?: unknown };
    if (o.v !== 1 || typeof o.endpointId !== 'string' || !ENDPOINT_ID.test(o.endpointId)) return null;
    if (typeof o.eventId !== 'number' || !Number.isSafeInteger(o.eventId) || o.eventId < 1) return null;
    return { endpointId: o.endpointId, eventId: o.eventId };
  } catch {
    return null;
  }
}
