import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, EnvelopeError } from './envelope.js';

describe('envelope', () => {
  const env = { v: 1 as const, provider: 'hubspot', receivedAt: 1_700_000_000_000, requestId: 'r1', signatureVersion: 'v3', event: { eventId: 1 } };

  it('round-trips', () => {
    expect(decodeEnvelope(encodeEnvelope(env))).toEqual(env);
  });

  it.each([
    ['empty', Buffer.alloc(0), /empty/],
    ['not json', Buffer.from('{nope'), /not JSON/],
    ['array', Buffer.from('[]'), /not a JSON object/],
    ['wrong version', Buffer.from(JSON.stringify({ ...env, v: 2 })), /unsupported envelope version 2/],
    ['no event', Buffer.from(JSON.stringify({ ...env, event: null })), /event missing/],
  ])('rejects %s', (_name, value, message) => {
    expect(() => decodeEnvelope(value)).toThrowError(EnvelopeError);
    expect(() => decodeEnvelope(value)).toThrowError(message);
  });
});
