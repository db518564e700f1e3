import { describe, expect, it } from 'vitest';
import { decodeJob, encodeJob } from './job.js';

const buf = (s: string): Buffer => Buffer.from(s, 'utf8');

describe('encodeJob and decodeJob', () => {
  it('round-trip', () => {
    for (const job of [
      { endpointId: 'ep_orders', eventId: 1 },
      { endpointId: 'ep_abcdefghijklmnopqrstuvwxyz', eventId: Number.MAX_SAFE_INTEGER },
      { endpointId: 'ep_x', eventId: 2 },
    ]) {
      expect(decodeJob(encodeJob(job))).toEqual(job);
    }
  });

  it('refuses ids no ledger row or endpoint can have', () => {
    for (const job of [
      { endpointId: 'ep_x', eventId: 0 },
      { endpointId: 'ep_x', eventId: -3 },
      { endpointId: '', eventId: 5 },
      { endpointId: 'orders', eventId: 5 },
      { endpointId: 'ep_UPPER', eventId: 5 },
    ]) {
      expect(decodeJob(encodeJob(job)), JSON.stringify(job)).toBeNull();
    }
  });

  it('encodes a versioned JSON object with just the job fields', () => {
    const extra = { endpointId: 'ep_a', eventId: 5, secret: 'whsec_x' } as { endpointId: string; eventId: number };
    expect(JSON.parse(encodeJob(extra).toString('utf8'))).toEqual({ v: 1, endpointId: 'ep_a', eventId: 5 });
  });

  it('decodes only the job fields, dropping anything else', () => {
    expect(decodeJob(buf('{"v":1,"endpointId":"ep_a","eventId":3,"other":true}'))).toEqual({ endpointId: 'ep_a', eventId: 3 });
  });

  it('is null for no value (a tombstone)', () => {
    expect(decodeJob(null)).toBeNull();
    expect(decodeJob(Buffer.alloc(0))).toBeNull();
  });

  it.each(['{', 'not json', '{"v":1,"endpointId":"ep_a","eventId":3', '\u0000\u0001'])('is null for bad JSON %j', (text) => {
    expect(decodeJob(buf(text))).toBeNull();
  });

  it.each([
    'null',
    '1',
    '"ep_a"',
    'true',
    '[]',
    '[1,"ep_a",3]',
    '{}',
    '{"endpointId":"ep_a","eventId":3}',
    '{"v":2,"endpointId":"ep_a","eventId":3}',
    '{"v":"1","endpointId":"ep_a","eventId":3}',
    '{"v":1,"eventId":3}',
    '{"v":1,"endpointId":7,"eventId":3}',
    '{"v":1,"endpointId":"ep_a"}',
    '{"v":1,"endpointId":"ep_a","eventId":"3"}',
    '{"v":1,"endpointId":"ep_a","eventId":null}',
    '{"v":1,"endpointId":"ep_a","eventId":1.5}',
  ])('is null for the foreign shape %s', (text) => {
    expect(decodeJob(buf(text))).toBeNull();
  });

  it('is null for event ids that are not safe integers', () => {
    expect(decodeJob(buf('{"v":1,"endpointId":"ep_a","eventId":9007199254740993}'))).toBeNull();
    expect(decodeJob(buf('{"v":1,"endpointId":"ep_a","eventId":1e300}'))).toBeNull();
    expect(decodeJob(buf('{"v":1,"endpointId":"ep_a","eventId":9007199254740991}'))).toEqual({ endpointId: 'ep_a', eventId: 9007199254740991 });
  });
});
