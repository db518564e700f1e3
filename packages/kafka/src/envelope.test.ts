import { describe, expect, it } from 'vitest';
import {
  decodeEnvelope,
  decodeLedgerEnvelope,
  encodeEnvelope,
  EnvelopeError,
  isTraceparent,
  readTraceparent,
  stampTraceparent,
  type LedgerEnvelope,
} from './envelope.js';

const TP = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

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

describe('envelope traceparent', () => {
  const v1 = { v: 1 as const, provider: 'hubspot', receivedAt: 1_700_000_000_000, requestId: 'r1', signatureVersion: 'v3', event: { eventId: 1 } };
  const v2: LedgerEnvelope = {
    v: 2,
    provider: 'sources',
    source: 'orders',
    receivedAt: 1,
    requestId: 'r2',
    auth: 'hmac',
    type: 'order.created',
    eventId: 'e1',
    idempotencyKey: 'k1',
    occurredAt: 1,
    tenant: null,
    subject: null,
    event: { id: 'e1' },
  };

  it('round-trips a traceparent in both versions, written first', () => {
    const one = encodeEnvelope({ ...v1, traceparent: TP });
    expect(one.toString().startsWith(`{"traceparent":"${TP}",`)).toBe(true);
    expect(decodeEnvelope(one)).toEqual({ ...v1, traceparent: TP });
    expect(decodeLedgerEnvelope(encodeEnvelope({ ...v2, traceparent: TP }))).toEqual({ ...v2, traceparent: TP });
  });

  it('decodes an envelope written before traces existed without one', () => {
    const old = Buffer.from(JSON.stringify(v1));
    expect(decodeEnvelope(old)).not.toHaveProperty('traceparent');
    expect(decodeLedgerEnvelope(Buffer.from(JSON.stringify(v2)))).not.toHaveProperty('traceparent');
    expect(readTraceparent(old)).toBeUndefined();
  });

  it.each([
    ['a number', 42],
    ['upper-case hex', TP.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['a future version', TP.replace(/^00/, '01')],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['trailing text', `${TP}-x`],
  ])('ignores %s instead of failing the event', (_name, traceparent) => {
    const value = Buffer.from(JSON.stringify({ traceparent, ...v1 }));
    expect(decodeEnvelope(value)).toEqual(v1);
    expect(decodeLedgerEnvelope(Buffer.from(JSON.stringify({ traceparent, ...v2 })))).toEqual(v2);
    expect(readTraceparent(value)).toBeUndefined();
  });

  it('stamps an encoded envelope so that both readers see the same traceparent', () => {
    const stamped = stampTraceparent(encodeEnvelope(v2), TP);
    expect(readTraceparent(stamped)).toBe(TP);
    expect(decodeLedgerEnvelope(stamped)).toEqual({ ...v2, traceparent: TP });
  });

  it('leaves a value it cannot stamp unchanged', () => {
    const stamped = stampTraceparent(encodeEnvelope(v1), TP);
    const other = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
    expect(stampTraceparent(stamped, other)).toBe(stamped);
    for (const raw of ['{}', '[1,2]', 'x']) expect(stampTraceparent(Buffer.from(raw), TP).toString()).toBe(raw);
    const plain = encodeEnvelope(v1);
    expect(stampTraceparent(plain, 'not-a-traceparent')).toBe(plain);
  });

  it('validates the W3C form', () => {
    expect(isTraceparent(TP)).toBe(true);
    expect(isTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00')).toBe(true);
    expect(isTraceparent(undefined)).toBe(false);
    expect(isTraceparent('')).toBe(false);
  });
});
