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
