/** @module @hookstream/store/testing: throwaway databases and fixtures for tests (never used in production code). */
export { createMigratedStore, createTestDatabase, defaultServerUrl, type MigratedStore, type TestDatabase } from './test-db.js';
export { makeEvent } from './fixtures.js';
export { testServerUrl } from './server-url.js';
