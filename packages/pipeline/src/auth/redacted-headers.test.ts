import { describe, expect, it } from 'vitest';
import { authRedactedHeaders } from './redacted-headers.js';
import { authConfigSchema, type AuthConfigInput } from './schema.js';

const redacted = (input: AuthConfigInput) => authRedactedHeaders(authConfigSchema.parse(input));
const K = 'k1-at-least-16-chars';

describe('authRedactedHeaders', () => {
  it('names the lower-case headers that carry credentials', () => {
    expect(redacted({ type: 'api_key', header: 'X-Token', keys: [K] })).toEqual(['x-token', 'authorization']);
    expect(redacted({ type: 'api_key', keys: [K] })).toEqual(['x-api-key', 'authorization']);
    expect(redacted({ type: 'hmac', header: 'X-Signature', secret: K })).toEqual(['x-signature', 'authorization']);
    expect(redacted({ type: 'standard_webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toEqual(['webhook-signature', 'authorization']);
    expect(redacted({ type: 'basic', username: 'u', password: K })).toEqual(['authorization']);
    expect(redacted({ type: 'bearer', tokens: [K] })).toEqual(['authorization']);
    expect(redacted({ type: 'api_key', header: 'Authorization', keys: [K] })).toEqual(['authorization']);
    expect(redacted({ type: 'none' })).toEqual(['authorization']);
  });
});
