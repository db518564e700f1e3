import { authConfigSchema, type AuthConfig, type AuthConfigInput } from './schema.js';
import { createVerifier } from './create-verifier.js';
import type { HeaderMap } from './read-header.js';
import type { VerifyResult } from './verifier.js';

/** Test-only: a verifier for a config written as an operator would, defaults applied. */
export function verifierFor(input: AuthConfigInput): (headers: HeaderMap, body?: string | Buffer, nowMs?: number) => VerifyResult {
  const auth: AuthConfig = authConfigSchema.parse(input);
  const verify = createVerifier(auth);
  return (headers, body = '{}', nowMs = 0) => verify({ headers, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), nowMs });
}
