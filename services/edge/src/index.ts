/** @module edge: the webhook edge as an app factory; providers bring the routes (main.ts wires them). */
export { buildEdgeApp, type EdgeDeps, type HostedEdgePart } from './app.js';
export type { EdgeArchive } from './archive.js';
export { createKafkaPublisher, type EventPublisher } from './publisher.js';
export { ArchiveUnavailableError, BrokerUnavailableError, OverloadedError } from './errors.js';
