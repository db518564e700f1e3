/** @module edge: the webhook edge as an app factory; providers bring the routes (main.ts wires them). */
export { buildEdgeApp, type EdgeDeps } from './app.js';
export { createKafkaPublisher, type EventPublisher } from './publisher.js';
export { BrokerUnavailableError, OverloadedError } from './errors.js';
