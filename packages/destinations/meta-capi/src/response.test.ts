import type { SendResult } from '@hookstream/deliveries';
import { describe, expect, it } from 'vitest';
import { classify, parseGraphError } from './response.js';

const answer = (
  status: number | null,
  body: unknown,
  outcome: SendResult['outcome'] = status !== null && status < 300 ? 'succeeded' : 'failed',
): SendResult => ({
  outcome,
  status,
  latencyMs: 5,
  error: status === null ? 'ECONNREFUSED: connect' : status < 300 ? null : `HTTP ${status}`,
  responseSnippet: body === null ? null : typeof body === 'string' ? body : JSON.stringify(body),
  retryAfterMs: null,
});
const graph = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) boom`, type: 'OAuthException', code, fbtrace_id: 'TRACE', ...extra },
});

describe('classify', () => {
  it('2xx: accepted, with fbtrace_id', () => {
    expect(classify(answer(200, { events_received: 2, messages: [], fbtrace_id: 'AbC' }))).toEqual({ kind: 'accepted', fbtraceId: 'AbC' });
  });

  it('190 is final and 100 is invalid, with the code and message in the text', () => {
    const v = classify(answer(400, graph(190, { error_subcode: 463 })));
    expect(v).toMatchObject({ kind: 'final', error: expect.stringContaining('Meta Graph error 190/463 (OAuthException): (#190) boom') });
    expect(classify(answer(400, graph(100)))).toMatchObject({ kind: 'invalid', wholeRequest: false, error: expect.stringContaining('100') });
  });

  it('100 about the pixel or the app-secret proof is about the whole request', () => {
    expect(classify(answer(400, graph(100, { error_subcode: 33 })))).toMatchObject({ kind: 'invalid', wholeRequest: true });
    expect(classify(answer(400, graph(100, { message: 'Invalid appsecret_proof provided in the API argument' })))).toMatchObject({ wholeRequest: true });
  });

  it('codes 1, 2, 4, 17, 613, 5xx, 429, timeouts and network errors are retried', () => {
    for (const code of [1, 2, 4, 17, 613]) expect(classify(answer(400, graph(code))).kind).toBe('retry');
    expect(classify(answer(500, graph(999))).kind).toBe('retry');
    expect(classify(answer(400, graph(999, { is_transient: true }))).kind).toBe('retry');
    expect(classify(answer(503, 'Service Unavailable')).kind).toBe('retry');
    expect(classify(answer(429, null)).kind).toBe('retry');
    expect(classify(answer(null, null, 'timeout')).kind).toBe('retry');
    expect(classify(answer(null, null, 'network')).kind).toBe('retry');
  });

  it('other 4xx are final', () => {
    expect(classify(answer(400, graph(803))).kind).toBe('final');
    expect(classify(answer(404, '<html>not found</html>')).kind).toBe('final');
  });

  it('reads the code out of a snippet cut short at 1 KiB', () => {
    const long = JSON.stringify(graph(100, { error_subcode: 2804003, error_user_msg: 'x'.repeat(2000) })).slice(0, 1024);
    expect(parseGraphError(long)).toMatchObject({ code: 100, subcode: 2804003, type: 'OAuthException' });
    expect(classify(answer(400, long)).kind).toBe('invalid');
  });
});
