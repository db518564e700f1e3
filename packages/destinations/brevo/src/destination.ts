import type { DeliveryItem, Destination, DestinationContext, ItemResult } from '@hookstream/deliveries';
import { resultOf } from './answer.js';
import { parseBrevoConfig, type BrevoDestinationConfig } from './config.js';
import { isEmail, readDeal } from './deal.js';
import { buildEmail } from './message.js';
import type { BrevoSettings } from './settings.js';
import { uuidv5 } from './uuid.js';

/**
 * Namespace of Brevo idempotency keys. Never change it: a resend after a change would carry a
 * new key, and Brevo would send the e-mail again.
 */
export const BREVO_IDEMPOTENCY_NAMESPACE = 'af8cb6c5-2a11-4a97-93ed-97bbcbbc50cc';

/** The key Brevo deduplicates on: the same for every attempt and resend of one delivery. */
export const idempotencyKeyOf = (deliveryId: string): string => uuidv5(deliveryId, BREVO_IDEMPOTENCY_NAMESPACE);

const refused = (error: string): ItemResult => ({ outcome: 'refused', status: null, error, responseSnippet: null, latencyMs: 0, final: true });

/** Brevo transactional e-mail: one deal event → one e-mail to the deal's customer. */
export function createBrevoDestination(settings: BrevoSettings): Destination {
  const url = `${settings.BREVO_API_URL.replace(/\/+$/, '')}/v3/smtp/email`;
  const headers = { 'api-key': settings.BREVO_API_KEY, 'content-type': 'application/json', accept: 'application/json' };

  async function sendOne(item: DeliveryItem, ctx: DestinationContext): Promise<ItemResult> {
    let config: BrevoDestinationConfig;
    try {
      config = parseBrevoConfig(ctx.endpoint.destination);
    } catch (err) {
      // validate() normally stops this at creation; a row edited since must not throw mid-batch.
      return refused((err as Error).message);
    }
    const deal = readDeal(item.event.raw);
    // The address itself stays out of the message: attempts are stored and logged, and it is PII.
    if (deal.email === undefined || deal.email === '') return refused('the deal has no customer e-mail (data.customer.email)');
    if (!isEmail(deal.email)) return refused('the customer e-mail (data.customer.email) is not a valid address');
    const body = buildEmail({ ...deal, email: deal.email }, settings, config, idempotencyKeyOf(item.deliveryId));
    return resultOf(await ctx.sender.send(url, JSON.stringify(body), headers), settings.BREVO_API_KEY);
  }

  return {
    kind: 'brevo',
    // Brevo's batch form (messageVersions) answers one list of ids for all, which cannot be
    // split into per-item results on failure; one e-mail per request keeps results exact.
    maxBatch: 1,
    validate: (config) => void parseBrevoConfig(config),
    async send(items, ctx) {
      const results: ItemResult[] = [];
      for (const item of items) results.push(await sendOne(item, ctx));
      return results;
    },
  };
}
