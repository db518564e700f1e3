/** @module processor: a consumer-group replica hosting each provider's processing step. */
export { createProcessor, type Processor, type ProcessorDeps } from './processor.js';
