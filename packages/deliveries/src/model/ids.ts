import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** `ep_` + 26 base32 characters (130 random bits): unguessable, URL- and header-safe. */
export function newEndpointId(): string {
  const bytes = randomBytes(26);
  let out = 'ep_';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** Endpoint ids: generated ones and the ones a config file declares (`ep_orders`). */
export const ENDPOINT_ID = /^ep_[a-z0-9_-]{1,36}$/;

/**
 * The `webhook-id` of one event's delivery to one endpoint. Derived, not stored: every attempt,
 * a manual retry and a replica that resends after a crash all send the same id, so receivers
 * can deduplicate (Standard Webhooks: the same id when the same webhook is resent).
 */
export function webhookId(eventId: number, endpointId: string): string {
  return `msg_${eventId}_${endpointId.slice(3)}`;
}

/** The (event, endpoint) of a webhook id, or null when it is not one of ours. */
export function parseWebhookId(id: string): { eventId: number; endpointId: string } | null {
  const m = /^msg_(\d{1,20})_([a-z0-9_-]{1,36})$/.exec(id);
  if (!m) return null;
  const eventId = Number(m[1]);
  return Number.isSafeInteger(eventId) ? { eventId, endpointId: `ep_${m[2]}` } : null;
}
