/** @module @hookstream/crm/testing: fixtures for tests (never used in production code). */
export { demoDeal, type DemoDealOptions } from './demo-deal.js';
