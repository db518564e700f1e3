/** @module @hookstream/store/testing: fixtures for tests (never used in production code). */
export { openMigratedStore, type EmptyDatabase, type MigratedStore } from './migrated-store.js';
