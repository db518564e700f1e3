/**
 * @module deliveries: outbound deliveries — relaying stored events to client endpoints,
 * Svix/Convoy-style. Signing follows Standard Webhooks so receivers can verify with any of its
 * libraries; the destination guard keeps a client-supplied URL from reaching this network's own
 * services (SSRF). The dispatcher service runs the engine; events-api and the CLI manage
 * endpoints through the same stores.
 */
export { createSigner, generateSecret, parseSecret, signatureHeaders, type SignatureHeaders, type SignInput, type Signer } from './sign.js';
export {
  checkDestination,
  createDestinationGuard,
  DestinationError,
  type DestinationOptions,
  type DestinationRefusal,
  type Resolve,
} from './destination-guard.js';
export { afterFailure, parseDuration, parseRetryAfter, parseSchedule, DEFAULT_SCHEDULE, type AfterFailure, type RetrySchedule } from './schedule.js';
export { DeliverySettingsSchema, type DeliverySettings } from './settings.js';
export { assertFilter, checkFilterPaths, matchesFilter, type EndpointFilter, type FilterSubject } from './model/filter.js';
export {
  EndpointInputSchema,
  EndpointPatchSchema,
  FilterSchema,
  type Endpoint,
  type EndpointInput,
  type EndpointOrigin,
  type EndpointPatch,
} from './model/endpoint.js';
export { newEndpointId, parseWebhookId, webhookId, ENDPOINT_ID } from './model/ids.js';
export { deliveryBody, type DeliverableEvent, type DeliveryBody } from './model/payload.js';
export { createEndpointStore, type CreateOptions, type EndpointStore, type SigningEndpoint } from './store/endpoints.js';
export {
  createDeliveryStore,
  type AttemptResult,
  type DeliveryPageQuery,
  type DeliveryStore,
  type DueDelivery,
  type RetrySelection,
} from './store/deliveries.js';
export { createFanoutCursor, type FanoutCursor } from './store/cursor.js';
export { DELIVERY_STATES, type Attempt, type AttemptOutcome, type Delivery, type DeliveryState } from './store/rows.js';
export { createHttpSender, type Sender, type SenderOptions, type SendResult } from './send/http-sender.js';
export { itemResultOf, type Destination, type DestinationContext, type DeliveryItem, type ItemResult } from './destination.js';
export { createWebhookDestination } from './destinations/webhook.js';
export type { DeclaredEndpointRow } from './store/endpoints.js';
export { createDeliverableEvents, type DeliverableEvents } from './store/events.js';
