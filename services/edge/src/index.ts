/** @module edge: the HubSpot webhook receiver as an app factory (main.ts wires it to Kafka). */
export { buildEdgeApp, type EdgeDeps } from './app.js';
export { createKafkaPublisher, type EventPublisher } from './publisher.js';
export { EdgeError, InvalidSignatureError, BadRequestError, BrokerUnavailableError, OverloadedError } from './errors.js';
export { createEdgeOAuth, type EdgeOAuth } from './oauth-wiring.js';
export type { OAuthRouteOptions } from './routes/oauth.js';
