/** @module @hookstream/hubspot/testing: HubSpot store fixtures for tests (never used in production code). */
export { makeEvent } from './fixtures.js';
export { prng } from './prng.js';
