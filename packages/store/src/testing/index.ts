/** @module @hookstream/store/testing: throwaway databases for integration tests (never used in production code). */
export { createMigratedStore, createTestDatabase, defaultServerUrl, type MigratedStore, type TestDatabase } from './test-db.js';
