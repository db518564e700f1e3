import { createHmac } from 'node:crypto';
import type { Destination, ItemResult } from '@hookstream/deliveries';
import { DEFAULT_MAX_REQUESTS, MAX_EVENTS_PER_REQUEST, sendAll, type Pending, type Target } from './batch.js';
import { parseMetaConfig, type MetaDestinationConfig } from './config.js';
import { prepareEvent } from './event.js';
import type { MetaSettings } from './settings.js';

export interface MetaDestinationOptions {
  /** Requests one send may make while isolating invalid events. @default 64 */
  maxRequestsPerSend?: number;
}

const refused = (error: string): ItemResult => ({ outcome: 'refused', status: null, error, responseSnippet: null, latencyMs: 0, final: true });

function targetOf(s: MetaSettings): Target {
  const token = s.META_ACCESS_TOKEN;
  const proof = s.META_APP_SECRET === undefined ? undefined : createHmac('sha256', s.META_APP_SECRET).update(token).digest('hex');
  const secrets = [token, proof, s.META_APP_SECRET].filter((v): v is string => v !== undefined && v.length > 0);
  return {
    url: `${s.META_GRAPH_URL}/${s.META_GRAPH_VERSION}/${s.META_PIXEL_ID}/events`,
    accessToken: token,
    testEventCode: s.META_TEST_EVENT_CODE,
    appSecretProof: proof,
    // Meta does not echo the token, but an error text or a proxy's answer might: nothing that
    // reaches the delivery log may carry it.
    redact: (text) => (text === null ? null : secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text)),
  };
}

/**
 * The Meta Conversions API as a delivery destination: each item is a CRM deal event, sent as
 * one server event (`event_id` = `<dealId>:<status>`, hashed user_data) to the pixel's
 * `/events` edge, up to 1,000 per request. Events Meta would refuse are refused here first so
 * they never take a batch down; the token goes in the body, never in the URL.
 */
export function createMetaCapiDestination(settings: MetaSettings, options: MetaDestinationOptions = {}): Destination {
  const target = targetOf(settings);
  const maxRequests = Math.max(1, options.maxRequestsPerSend ?? DEFAULT_MAX_REQUESTS);
  return {
    kind: 'meta_capi',
    maxBatch: MAX_EVENTS_PER_REQUEST,
    validate(config) {
      parseMetaConfig(config);
    },
    async send(items, ctx) {
      let config: MetaDestinationConfig;
      try {
        config = parseMetaConfig(ctx.endpoint.destination);
      } catch (err) {
        return items.map(() => refused((err as Error).message));
      }
      const out: ItemResult[] = [];
      const pending: Pending[] = [];
      const now = ctx.now();
      items.forEach((item, index) => {
        const prepared = prepareEvent(item, config, now);
        if (prepared.ok) pending.push({ index, event: prepared.event });
        else out[index] = refused(`not sent to Meta: ${prepared.reason}`);
      });
      await sendAll(target, ctx, pending, out, maxRequests);
      return items.map(
        (_item, i) => out[i] ?? { outcome: 'failed', status: null, error: 'no result was settled for this event', responseSnippet: null, latencyMs: 0 },
      );
    },
  };
}
