/** @module events-api: time-ordered reads of stored webhook events over HTTP (Fastify). */
export { buildApp, type EventsApiDeps } from './app.js';
export { createDeadLetters, type DeadLetters, type DeadLettersOptions } from './dead-letters/service.js';
export { ConfigError, loadEventsApiConfig, type EventsApiConfig } from './config.js';
export type { ChangesPage, EventsPage } from './routes/events.js';
export { createOverviewSampler, type OverviewSampler } from './overview/sampler.js';
export { overviewTargets } from './overview/targets.js';
