import { describe, expect, it } from 'vitest';
import { authConfigSchema } from './schema.js';

const KEY = 'k1-at-least-16-chars';
const issues = (input: unknown) => {
  const r = authConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('authConfigSchema', () => {
  it('applies the defaults and lower-cases header names', () => {
    expect(authConfigSchema.parse({ type: 'api_key', keys: [KEY] })).toEqual({ type: 'api_key', header: 'x-api-key', keys: [KEY] });
    expect(authConfigSchema.parse({ type: 'api_key', header: 'X-Token', keys: [KEY] })).toMatchObject({ header: 'x-token' });
    expect(authConfigSchema.parse({ type: 'hmac', header: 'X-Signature', secret: KEY })).toEqual({
      type: 'hmac',
      header: 'x-signature',
      algorithm: 'sha256',
      encoding: 'hex',
      secret: KEY,
    });
    expect(authConfigSchema.parse({ type: 'standard_webhooks', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toMatchObject({ toleranceSec: 300 });
    expect(authConfigSchema.parse({ type: 'none' })).toEqual({ type: 'none' });
  });

  it('refuses short or malformed secrets, with messages that say what is wanted', () => {
    expect(issues({ type: 'api_key', keys: [KEY, 'short'] })).toEqual(['keys.1: must be at least 16 characters']);
    expect(issues({ type: 'api_key', keys: [] })).toEqual(['keys: must list at least one']);
    expect(issues({ type: 'api_key', keys: ['has a space in it, 16+'] })).toEqual(['keys.0: must be visible ASCII without spaces']);
    expect(issues({ type: 'bearer', tokens: ['not a token: 16+ chars'] })).toEqual(['tokens.0: must contain only letters, digits and -._~+/ (RFC 6750)']);
    expect(issues({ type: 'hmac', header: 'x sig', secret: 'short' })).toEqual([
      'header: must be an HTTP header name',
      'secret: must be at least 16 characters',
    ]);
    expect(issues({ type: 'hmac', header: 'x-sig', secret: KEY, algorithm: 'md5' })).toEqual(['algorithm: must be sha1, sha256 or sha512']);
    expect(issues({ type: 'standard_webhooks', secret: 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })).toEqual(['secret: must be "whsec_" followed by a base64 key']);
    expect(issues({ type: 'standard_webhooks', secret: 'whsec_c2hvcnQ=' })).toEqual(['secret: the key must decode to at least 16 bytes']);
    expect(issues({ type: 'basic', username: 'a:b', password: KEY })).toEqual(['username: must not contain a colon or control characters']);
    expect(issues({ type: 'basic', username: 'hook', password: 'short' })).toEqual(['password: must be at least 16 characters']);
  });

  it('refuses unknown types, a missing type and misspelt fields', () => {
    const typeMessage = 'type: type must be one of api_key, hmac, standard_webhooks, basic, bearer, radar, none';
    expect(issues({ type: 'oauth' })).toEqual([typeMessage]);
    expect(issues({ keys: [KEY] })).toEqual([typeMessage]);
    expect(issues({ type: 'api_key', key: [KEY], keys: [KEY] })[0]).toMatch(/key/);
  });
});
