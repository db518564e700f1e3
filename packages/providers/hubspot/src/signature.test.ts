import { describe, expect, it } from 'vitest';
import { signedHeaders, signV1, signV2, signV3, verifySignature, type VerifyInput } from './signature.js';

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const CONTACT_CREATION =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const EXAMPLE_URI = 'https://www.example.com/webhook_uri';
const DOC_BODY = '{"example_field":"example_value"}';
const PY_BODY = "{'example_field':'example_value'}";
const PY_V3_TS = 1693657560000;

function input(over: Partial<VerifyInput> & Pick<VerifyInput, 'headers'>): VerifyInput {
  return {
    rawBody: Buffer.from(PY_BODY),
    method: 'POST',
    url: EXAMPLE_URI,
    clientSecret: SECRET,
    nowMs: PY_V3_TS + 1_000,
    ...over,
  };
}

describe('published test vectors', () => {
  it('v1 over the contact.creation array (docs, Node SDK)', () => {
    expect(signV1(SECRET, CONTACT_CREATION)).toBe('232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de');
    const res = verifySignature(
      input({
        rawBody: Buffer.from(CONTACT_CREATION),
        headers: {
          'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
          'x-hubspot-signature-version': 'v1',
        },
      }),
    );
    expect(res).toEqual({ ok: true, version: 'v1' });
  });

  it('v2 GET with empty body (docs)', () => {
    const sig = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
    expect(signV2(SECRET, 'GET', EXAMPLE_URI, '')).toBe(sig);
    const res = verifySignature(
      input({
        method: 'GET',
        rawBody: Buffer.alloc(0),
        headers: { 'x-hubspot-signature': sig, 'x-hubspot-signature-version': 'v2' },
      }),
    );
    expect(res).toEqual({ ok: true, version: 'v2' });
  });

  it('v2 POST (docs)', () => {
    const sig = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';
    expect(signV2(SECRET, 'POST', EXAMPLE_URI, DOC_BODY)).toBe(sig);
    const res = verifySignature(input({ rawBody: Buffer.from(DOC_BODY), headers: { 'x-hubspot-signature': sig, 'x-hubspot-signature-version': 'v2' } }));
    expect(res).toEqual({ ok: true, version: 'v2' });
  });

  it('v1 and v2 of the Python SDK', () => {
    expect(signV1(SECRET, PY_BODY)).toBe('69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750');
    expect(signV2(SECRET, 'POST', EXAMPLE_URI, Buffer.from(PY_BODY))).toBe('4fe4e3a7d3cf09db53be39d0a58130e2aaba074ec123a9e355b876a689a1c383');
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': '69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750' } }))).toEqual({
      ok: true,
      version: 'v1',
    });
  });

  it('v3 of the Python SDK with its fixed timestamp', () => {
    const sig = 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=';
    expect(signV3(SECRET, 'POST', EXAMPLE_URI, PY_BODY, PY_V3_TS)).toBe(sig);
    const res = verifySignature(input({ headers: { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(PY_V3_TS) } }));
    expect(res).toEqual({ ok: true, version: 'v3' });
  });
});

describe('v3 rules', () => {
  const sig = 'K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=';
  const v3 = (ts: string | undefined, nowMs: number) =>
    verifySignature(
      input({
        nowMs,
        headers: ts === undefined ? { 'x-hubspot-signature-v3': sig } : { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': ts },
      }),
    );

  it('accepts a timestamp exactly at the tolerance edge and rejects one ms later', () => {
    expect(v3(String(PY_V3_TS), PY_V3_TS + 300_000)).toEqual({ ok: true, version: 'v3' });
    expect(v3(String(PY_V3_TS), PY_V3_TS + 300_001)).toEqual({ ok: false, reason: 'timestamp expired' });
  });

  it('rejects a timestamp further in the future than the tolerance', () => {
    expect(v3(String(PY_V3_TS), PY_V3_TS - 299_000)).toEqual({ ok: true, version: 'v3' });
    expect(v3(String(PY_V3_TS), PY_V3_TS - 300_001)).toEqual({ ok: false, reason: 'timestamp in the future' });
  });

  it('honours a custom tolerance', () => {
    const res = verifySignature(
      input({ nowMs: PY_V3_TS + 61_000, toleranceMs: 60_000, headers: { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(PY_V3_TS) } }),
    );
    expect(res).toEqual({ ok: false, reason: 'timestamp expired' });
  });

  it('requires a well-formed timestamp', () => {
    expect(v3(undefined, PY_V3_TS)).toEqual({ ok: false, reason: 'missing request timestamp' });
    expect(v3('', PY_V3_TS)).toEqual({ ok: false, reason: 'missing request timestamp' });
    expect(v3('abc', PY_V3_TS)).toEqual({ ok: false, reason: 'invalid request timestamp' });
    expect(v3('1693657560000.5', PY_V3_TS)).toEqual({ ok: false, reason: 'invalid request timestamp' });
    expect(v3('-1', PY_V3_TS)).toEqual({ ok: false, reason: 'invalid request timestamp' });
  });

  it('rejects a tampered body, a wrong secret, another method and another URL', () => {
    const headers = { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(PY_V3_TS) };
    const mismatch = { ok: false, reason: 'signature mismatch' };
    expect(verifySignature(input({ headers, rawBody: Buffer.from(PY_BODY.replace('value', 'valuf')) }))).toEqual(mismatch);
    expect(verifySignature(input({ headers, clientSecret: 'x'.repeat(36) }))).toEqual(mismatch);
    expect(verifySignature(input({ headers, method: 'PUT' }))).toEqual(mismatch);
    expect(verifySignature(input({ headers, url: `${EXAMPLE_URI}?a=1` }))).toEqual(mismatch);
  });

  it('detects a changed timestamp (it is signed too)', () => {
    const res = verifySignature(input({ headers: { 'x-hubspot-signature-v3': sig, 'x-hubspot-request-timestamp': String(PY_V3_TS + 1) } }));
    expect(res).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('signs the URL with the twelve reserved escapes decoded', () => {
    const encoded = 'https://h.example/hook%3Aa%2Fb?x=%40y%2C%20z%2Bw%3b';
    const decoded = 'https://h.example/hook:a/b?x=@y,%20z%2Bw;';
    const body = Buffer.from('[]');
    const ts = PY_V3_TS;
    const expected = signV3(SECRET, 'POST', decoded, body, ts);
    expect(signV3(SECRET, 'POST', encoded, body, ts)).toBe(expected);
    const headers = { 'x-hubspot-signature-v3': expected, 'x-hubspot-request-timestamp': String(ts) };
    expect(verifySignature(input({ rawBody: body, url: encoded, headers }))).toEqual({ ok: true, version: 'v3' });
    // %20 and %2B must NOT be decoded: a signer that decoded them disagrees with us.
    const overDecoded = signV3(SECRET, 'POST', 'https://h.example/hook:a/b?x=@y, z+w;', body, ts);
    expect(overDecoded).not.toBe(expected);
  });

  it('hashes raw bytes, so non-ASCII bodies verify only when unmodified', () => {
    const raw = Buffer.from('[{"propertyValue":"Jörg Ä"}]', 'utf8');
    const headers = signedHeaders({ secret: SECRET, version: 'v3', url: EXAMPLE_URI, body: raw, timestamp: PY_V3_TS });
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifySignature(input({ rawBody: raw, headers: lower }))).toEqual({ ok: true, version: 'v3' });
    const reencoded = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))).replace('ö', '\\u00f6'));
    expect(verifySignature(input({ rawBody: reencoded, headers: lower }))).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('wins over v1 headers when both are present', () => {
    const headers = {
      'x-hubspot-signature': signV1(SECRET, PY_BODY),
      'x-hubspot-signature-version': 'v1',
      'x-hubspot-signature-v3': 'AAAA' + sig.slice(4),
      'x-hubspot-request-timestamp': String(PY_V3_TS),
    };
    expect(verifySignature(input({ headers }))).toEqual({ ok: false, reason: 'signature mismatch' });
  });
});

describe('v1/v2 selection and failures', () => {
  it('treats a missing version header as v1 and uses v2 only when asked', () => {
    const v2sig = signV2(SECRET, 'POST', EXAMPLE_URI, PY_BODY);
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': v2sig } }))).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': v2sig, 'x-hubspot-signature-version': 'v2' } }))).toEqual({
      ok: true,
      version: 'v2',
    });
    const v1sig = signV1(SECRET, PY_BODY);
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': v1sig, 'x-hubspot-signature-version': 'v2' } }))).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('v2 uses the URL exactly as given (no escape decoding)', () => {
    const url = 'https://h.example/hook?x=%3A';
    const sig = signV2(SECRET, 'POST', url, PY_BODY);
    const headers = { 'x-hubspot-signature': sig, 'x-hubspot-signature-version': 'v2' };
    expect(verifySignature(input({ url, headers }))).toEqual({ ok: true, version: 'v2' });
    expect(verifySignature(input({ url: 'https://h.example/hook?x=:', headers }))).toEqual({ ok: false, reason: 'signature mismatch' });
  });

  it('reports missing, unsupported, repeated and wrong-secret signatures without leaking secrets', () => {
    expect(verifySignature(input({ headers: {} }))).toEqual({ ok: false, reason: 'missing signature' });
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': 'ab', 'x-hubspot-signature-version': 'v9' } }))).toEqual({
      ok: false,
      reason: 'unsupported signature version',
    });
    const sig = signV1(SECRET, PY_BODY);
    expect(verifySignature(input({ headers: { 'x-hubspot-signature': [sig, sig] } }))).toEqual({
      ok: false,
      reason: 'multiple signature headers',
    });
    const res = verifySignature(input({ clientSecret: 'other-secret', headers: { 'x-hubspot-signature': sig } }));
    expect(res).toEqual({ ok: false, reason: 'signature mismatch' });
    expect(JSON.stringify(res)).not.toContain('other-secret');
    expect(JSON.stringify(res)).not.toContain(signV1('other-secret', PY_BODY));
  });

  it('accepts an upper-case hex digest and differently cased header names', () => {
    const sig = signV1(SECRET, PY_BODY).toUpperCase();
    expect(verifySignature(input({ headers: { 'X-HubSpot-Signature': sig, 'X-HubSpot-Signature-Version': 'V1' } }))).toEqual({
      ok: true,
      version: 'v1',
    });
  });
});

describe('signedHeaders', () => {
  it('produces headers that verify for each version', () => {
    for (const version of ['v1', 'v2', 'v3'] as const) {
      const headers = signedHeaders({ secret: SECRET, version, url: EXAMPLE_URI, body: CONTACT_CREATION, timestamp: PY_V3_TS });
      expect(headers['Content-Type']).toBe('application/json');
      const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
      expect(verifySignature(input({ rawBody: Buffer.from(CONTACT_CREATION), headers: lower }))).toEqual({ ok: true, version });
    }
  });

  it('v3 carries the request timestamp and also the v1 pair, as HubSpot sends', () => {
    const h = signedHeaders({ secret: SECRET, version: 'v3', url: EXAMPLE_URI, body: PY_BODY, timestamp: PY_V3_TS });
    expect(h['X-HubSpot-Request-Timestamp']).toBe(String(PY_V3_TS));
    expect(h['X-HubSpot-Signature-v3']).toBe('K36dawei4A+QBNolUOqo7s91KQDWQ5MXZ/QufNYuk/Y=');
    expect(h['X-HubSpot-Signature']).toBe('69fc6631a867edd4f9e9e627fc5c1148e3fbdd8b21837b6d2b8901c1fa57f750');
  });
});
