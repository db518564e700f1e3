/** @module processor: consumer-group replica that enriches and persists HubSpot events. */
export { createProcessor, type Processor, type ProcessorDeps } from './processor.js';
export { createBatchHandler } from './batch-handler.js';
export { createEnricher, type Enricher, type EnrichmentOutcome } from './enrich.js';
export { stateUpdatesFor, snapshotUpdate, actionOf } from './state-updates.js';
