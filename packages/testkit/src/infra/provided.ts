import type { InfraSource } from './kafka-types.js';

// Values the integration project's globalSetup hands to test files through vitest's
// inject(); declared here so both sides agree on names and types.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated host:port list (the KAFKA_BROKERS format). */
    kafkaBrokers: string;
    kafkaSource: InfraSource;
    /** mysql://user:pass@host:port without a database; create one per test file. */
    databaseServerUrl: string;
    databaseSource: InfraSource;
  }
}

export {};
