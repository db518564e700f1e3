/** @module dispatcher: outbound deliveries — the fan-out from the ledger and the consumer group that sends. */
export { createDispatcher, type Dispatcher, type DispatcherDeps } from './dispatcher.js';
export { DispatcherSchema, loadDispatcherConfig, type DispatcherConfig } from './config.js';
export { syncEndpointsFile, loadEndpointsFile } from './endpoints-file.js';
export { syncProviderEndpoints } from './provider-endpoints.js';
