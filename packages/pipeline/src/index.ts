/** @module pipeline: what every provider shares between the HTTP edge and the store. */
export {
  authConfigSchema,
  DEFAULT_API_KEY_HEADER,
  DEFAULT_TOLERANCE_SEC,
  MIN_SECRET_LENGTH,
  type AuthConfig,
  type AuthConfigInput,
  type AuthConfigOf,
  type AuthType,
} from './auth/schema.js';
export { createVerifier } from './auth/create-verifier.js';
export type { Verifier, VerifyRequest, VerifyResult } from './auth/verifier.js';
export { authRedactedHeaders } from './auth/redacted-headers.js';
export { readHeader, type HeaderMap, type HeaderRead } from './auth/read-header.js';
export { loadSourcesFile, DEFAULT_PROVIDER, SOURCE_NAME } from './sources-file/load.js';
export { parseSourceEntries, type ParsedEntry } from './sources-file/parse-entries.js';
export { readDocument } from './sources-file/read-document.js';
export { SourcesFileError, describeEntry } from './sources-file/error.js';
export { friendlyIssue } from './sources-file/issues.js';
export type { SourceEntry, SourcesFile } from './sources-file/types.js';
export { findUnstorable, MAX_STORABLE_DEPTH, type Unstorable } from './json/storable.js';
export { escapePointerToken, toPointer } from './json/pointer.js';
export type * from './provider.js';
export {
  createBatchRuntime,
  type DecodedMessage,
  type DecodeOutcome,
  type PersistOutcome,
  type ProcessStep,
  type RuntimeDeps,
} from './processor/batch-runtime.js';
export { createRuntimeMetrics, type RuntimeMetrics, type Increment } from './processor/metrics.js';
export { backoffMs, sleepWhile } from './processor/backoff.js';
export { duePrefix, retryDelayMs, routeFailure, isPermanent, type Failure, type RetryPolicy, type Route } from './processor/failure-routing.js';
export * as params from './api/params.js';
export type { Parser } from './api/params.js';
export { readParams, DEFAULT_LIMIT, MAX_LIMIT } from './api/params.js';
export { HttpError, badRequest, notFound, forbidden } from './api/errors.js';
export { decodeChangesCursor, decodePositionCursor, encodeChangesCursor, encodePositionCursor, type CursorKind } from './api/cursor.js';
export { page, type Page } from './api/page.js';
export * as schemas from './api/schemas.js';
export type { Schema } from './api/schemas.js';
export { ledgerEventOf } from './processor/ledger-event.js';
export { createWebhookMetrics, UNKNOWN_SOURCE, type WebhookMetrics } from './edge/webhook-metrics.js';
export { MAX_REPORTED_ERRORS, invalidCredentials, malformedBody, sourceNotFound, validationFailed } from './edge/refusals.js';
