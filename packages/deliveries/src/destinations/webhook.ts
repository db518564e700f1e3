import { itemResultOf, type Destination } from '../destination.js';
import { deliveryBody } from '../model/payload.js';

/**
 * A client's own URL: one signed POST per delivery, Standard Webhooks headers, the body every
 * endpoint receives. The webhook-id is the delivery's stable id, so receivers can deduplicate.
 */
export function createWebhookDestination(): Destination {
  return {
    kind: 'webhook',
    maxBatch: 1,
    async send(items, ctx) {
      return Promise.all(
        items.map(async (item) => {
          if (!ctx.signer) {
            return {
              outcome: 'refused' as const,
              status: null,
              error: 'the endpoint has no usable signing secret',
              responseSnippet: null,
              latencyMs: 0,
              final: true,
            };
          }
          const body = JSON.stringify(deliveryBody(item.event));
          const headers = ctx.signer({ msgId: item.deliveryId, timestampSec: Math.floor(ctx.now() / 1000), body });
          // The receiver may continue our trace; it is not covered by the signature (trace context, not content).
          const trace: Record<string, string> = ctx.traceparent ? { traceparent: ctx.traceparent } : {};
          return itemResultOf(await ctx.sender.send(ctx.endpoint.url, body, { ...headers, ...trace }));
        }),
      );
    },
  };
}
