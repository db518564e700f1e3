import type { SendResult } from '@hookstream/deliveries';
import { describe, expect, it } from 'vitest';
import { rateLimitResetMs, resultOf } from './answer.js';

const KEY = 'xkeysib-secret-value';
const answer = (over: Partial<SendResult>): SendResult => ({
  outcome: 'failed',
  status: 400,
  latencyMs: 3,
  error: 'HTTP 400',
  responseSnippet: null,
  retryAfterMs: null,
  ...over,
});

describe('resultOf', () => {
  it('redacts the key wherever an answer quotes it', () => {
    const r = resultOf(answer({ responseSnippet: JSON.stringify({ code: 'unauthorized', message: `Key not found: ${KEY}` }), status: 401 }), KEY);
    expect(r.error).toBe('HTTP 401 unauthorized: Key not found: [redacted]');
    expect(JSON.stringify(r)).not.toContain(KEY);
    expect(r.final).toBe(true);
  });

  it('keeps the sender’s error when the body is not Brevo’s JSON', () => {
    expect(resultOf(answer({ status: 502, error: 'HTTP 502', responseSnippet: '<html>bad gateway</html>' }), KEY)).toMatchObject({
      error: 'HTTP 502',
      outcome: 'failed',
    });
  });

  it('falls back to Retry-After on a 429 without x-sib-ratelimit-reset', () => {
    expect(resultOf(answer({ status: 429, retryAfterMs: 2_000, headers: {} }), KEY).retryAfterMs).toBe(2_000);
    expect(resultOf(answer({ status: 429, retryAfterMs: 2_000, headers: { 'x-sib-ratelimit-reset': '7' } }), KEY).retryAfterMs).toBe(7_000);
  });

  it('succeeds without an externalId when a 2xx has no messageId', () => {
    expect(resultOf(answer({ outcome: 'succeeded', status: 202, error: null, responseSnippet: '' }), KEY)).toMatchObject({
      outcome: 'succeeded',
      externalId: null,
    });
  });
});

describe('rateLimitResetMs', () => {
  it.each([
    ['12', 12_000],
    [' 0 ', 0],
    ['1.5', 1_500],
    ['-1', null],
    ['soon', null],
  ])('reads %j', (value, ms) => {
    expect(rateLimitResetMs({ 'x-sib-ratelimit-reset': value })).toBe(ms);
  });

  it('is null without headers', () => {
    expect(rateLimitResetMs(undefined)).toBeNull();
  });
});
