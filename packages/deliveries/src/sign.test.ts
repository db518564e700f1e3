import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createSigner, generateSecret, parseSecret, signatureHeaders } from './sign.js';

/*
 * The Standard Webhooks reference vector, confirmed against the specification's own JavaScript
 * library: standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts,
 * test "sign function works" (commit 10d3e46d720c4e5861a792bec25792a04ad4e2b3).
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  msgId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampSec: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const OTHER = 'whsec_' + Buffer.from('a-second-secret-of-32-bytes-long').toString('base64');
const BODY = '{"type":"contact.created","data":{"id":"42","name":"Zoë"}}';

const nowSec = (): number => Math.floor(Date.now() / 1000);

describe('signatureHeaders', () => {
  it('reproduces the specification test vector', () => {
    const { secret, ...input } = VECTOR;
    expect(signatureHeaders({ ...input, secrets: [secret] })).toEqual({
      'webhook-id': VECTOR.msgId,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  it('signs a Buffer body byte for byte like the same string', () => {
    const { secret, ...input } = VECTOR;
    expect(signatureHeaders({ ...input, body: Buffer.from(VECTOR.body), secrets: [secret] })['webhook-signature']).toBe(VECTOR.signature);
  });

  it('signs bytes that are not UTF-8 as they are, not as replacement characters', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const headers = signatureHeaders({ msgId: 'msg_1', timestampSec: 1, body, secrets: [VECTOR.secret] });
    const expected = createHmac('sha256', parseSecret(VECTOR.secret)).update('msg_1.1.').update(body).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
    expect(headers['webhook-signature']).not.toBe(
      signatureHeaders({ msgId: 'msg_1', timestampSec: 1, body: body.toString('utf8'), secrets: [VECTOR.secret] })['webhook-signature'],
    );
  });

  it('is verified by the independent standardwebhooks library', () => {
    // The library checks the stamp against the real clock (5-minute window), so sign "now".
    const headers = signatureHeaders({ msgId: 'msg_live', timestampSec: nowSec(), body: BODY, secrets: [VECTOR.secret] });
    expect(new Webhook(VECTOR.secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('puts one v1 entry per secret, each verifying on its own (rotation)', () => {
    const secrets = [VECTOR.secret, OTHER, generateSecret()];
    const headers = signatureHeaders({ msgId: 'msg_rot', timestampSec: nowSec(), body: BODY, secrets });
    const entries = headers['webhook-signature'].split(' ');
    expect(entries).toHaveLength(3);
    for (const entry of entries) expect(entry).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Set(entries).size).toBe(3);
    for (const secret of secrets) expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('is refused by a receiver holding a secret that is not active', () => {
    const headers = signatureHeaders({ msgId: 'msg_x', timestampSec: nowSec(), body: BODY, secrets: [VECTOR.secret] });
    expect(() => new Webhook(OTHER).verify(BODY, headers)).toThrow();
    expect(() => new Webhook(VECTOR.secret).verify(BODY + ' ', headers)).toThrow();
  });

  it('refuses an empty secret list, bad stamps and bad ids', () => {
    const input = { msgId: 'msg_1', timestampSec: 1, body: BODY };
    expect(() => signatureHeaders({ ...input, secrets: [] })).toThrow(/at least one signing secret/);
    expect(() => signatureHeaders({ ...input, timestampSec: 1.5, secrets: [VECTOR.secret] })).toThrow(RangeError);
    expect(() => signatureHeaders({ ...input, timestampSec: -1, secrets: [VECTOR.secret] })).toThrow(RangeError);
    expect(() => signatureHeaders({ ...input, msgId: '', secrets: [VECTOR.secret] })).toThrow(RangeError);
    expect(() => signatureHeaders({ ...input, msgId: 'msg_1\r\nx: y', secrets: [VECTOR.secret] })).toThrow(RangeError);
  });
});

describe('createSigner', () => {
  it('parses keys once and signs many messages like the one-off form', () => {
    const sign = createSigner([VECTOR.secret, OTHER]);
    for (const msgId of ['msg_a', 'msg_b']) {
      const input = { msgId, timestampSec: 1_700_000_000, body: BODY };
      expect(sign(input)).toEqual(signatureHeaders({ ...input, secrets: [VECTOR.secret, OTHER] }));
    }
  });

  it('refuses a bad secret when created, not at the first delivery', () => {
    expect(() => createSigner([VECTOR.secret, 'not-a-secret'])).toThrow(/must start with "whsec_"/);
  });
});

describe('parseSecret', () => {
  it('decodes the key of a whsec_ secret', () => {
    expect(parseSecret(VECTOR.secret)).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
  });

  it.each([
    ['no prefix', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
    ['another prefix', 'whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /must start with "whsec_"/],
    ['empty key', 'whsec_', /standard base64/],
    ['characters outside base64', 'whsec_MfKQ9r8GKYqrTwjU!D8ILPZIo2LaLaSw', /standard base64/],
    ['base64url alphabet', 'whsec_MfKQ9r8GKYqrTwjU-D8ILPZIo2LaLa_w', /standard base64/],
    ['whitespace', 'whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw', /standard base64/],
    ['misplaced padding', 'whsec_MfKQ=9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /standard base64/],
    ['an impossible length', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwa', /standard base64/],
    ['15 bytes', 'whsec_' + Buffer.alloc(15, 1).toString('base64'), /at least 16 bytes \(got 15\)/],
  ])('refuses %s with an AppError that does not echo the secret', (_label, secret, message) => {
    let caught: unknown;
    try {
      parseSecret(secret);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ code: 'invalid_signing_secret', httpStatus: 400, retryable: false, message: expect.stringMatching(message) });
    expect((caught as Error).message).not.toContain(secret.slice(6) || '\u0000');
  });

  it('accepts exactly 16 bytes', () => {
    expect(parseSecret('whsec_' + Buffer.alloc(16, 7).toString('base64'))).toHaveLength(16);
  });
});

describe('generateSecret', () => {
  it('makes whsec_ + base64 of 24 random bytes that parse back and that the reference library accepts', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(parseSecret(secret)).toHaveLength(24);
    const headers = signatureHeaders({ msgId: 'msg_gen', timestampSec: nowSec(), body: BODY, secrets: [secret] });
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it('never repeats', () => {
    expect(new Set(Array.from({ length: 50 }, generateSecret)).size).toBe(50);
  });
});
