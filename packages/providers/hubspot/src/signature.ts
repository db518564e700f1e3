import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeV3Uri } from './uri.js';

export type SignatureVersion = 'v1' | 'v2' | 'v3';

export interface VerifyInput {
  rawBody: Buffer;
  method: string;
  /** full public URL HubSpot called: scheme+host+path+query */
  url: string;
  /** Lower-cased keys as Node gives them (looked up case-insensitively anyway). */
  headers: Record<string, string | string[] | undefined>;
  clientSecret: string;
  nowMs: number;
  /** @default 300_000 (HubSpot's documented 5 minutes) */
  toleranceMs?: number;
}

export type VerifyResult = { ok: true; version: SignatureVersion } | { ok: false; reason: string };

export const DEFAULT_TOLERANCE_MS = 300_000;

const H_SIGNATURE = 'x-hubspot-signature';
const H_VERSION = 'x-hubspot-signature-version';
const H_SIGNATURE_V3 = 'x-hubspot-signature-v3';
const H_TIMESTAMP = 'x-hubspot-request-timestamp';

type BodyInput = Buffer | string;

function toBuffer(body: BodyInput): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** hex(sha256(clientSecret + body)) */
export function signV1(secret: string, body: BodyInput): string {
  return createHash('sha256').update(secret, 'utf8').update(toBuffer(body)).digest('hex');
}

/** hex(sha256(clientSecret + method + uri + body)); the URI is used exactly as given. */
export function signV2(secret: string, method: string, uri: string, body: BodyInput): string {
  return createHash('sha256').update(`${secret}${method}${uri}`, 'utf8').update(toBuffer(body)).digest('hex');
}

/** base64(HMAC-SHA256(secret, method + normalizedUri + body + timestamp)). */
export function signV3(secret: string, method: string, uri: string, body: BodyInput, timestamp: string | number): string {
  return createHmac('sha256', secret)
    .update(`${method}${normalizeV3Uri(uri)}`, 'utf8')
    .update(toBuffer(body))
    .update(String(timestamp), 'utf8')
    .digest('base64');
}

export interface SignedHeadersInput {
  secret: string;
  version: SignatureVersion;
  /** @default 'POST' */
  method?: string;
  url: string;
  body: BodyInput;
  /** epoch ms; required for v3 unless the caller accepts Date.now() */
  timestamp?: number;
}

/**
 * The headers HubSpot sends for a delivery signed with `version`. For v3 HubSpot also keeps
 * sending the v1 pair next to the v3 pair (seen in captured requests), so both are included;
 * that also exercises the "v3 wins when present" rule.
 */
export function signedHeaders(input: SignedHeadersInput): Record<string, string> {
  const method = input.method ?? 'POST';
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  switch (input.version) {
    case 'v1':
      headers['X-HubSpot-Signature'] = signV1(input.secret, input.body);
      headers['X-HubSpot-Signature-Version'] = 'v1';
      return headers;
    case 'v2':
      headers['X-HubSpot-Signature'] = signV2(input.secret, method, input.url, input.body);
      headers['X-HubSpot-Signature-Version'] = 'v2';
      return headers;
    case 'v3': {
      const ts = String(input.timestamp ?? Date.now());
      headers['X-HubSpot-Signature'] = signV1(input.secret, input.body);
      headers['X-HubSpot-Signature-Version'] = 'v1';
      headers['X-HubSpot-Signature-v3'] = signV3(input.secret, method, input.url, input.body, ts);
      headers['X-HubSpot-Request-Timestamp'] = ts;
      return headers;
    }
    default: {
      const never: never = input.version;
      throw new Error(`unknown signature version ${String(never)}`);
    }
  }
}

type HeaderRead = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'many' };

function readHeader(headers: VerifyInput['headers'], name: string): HeaderRead {
  let found: string | string[] | undefined = headers[name];
  if (found === undefined) {
    // Callers other than Node's http module may keep the original casing.
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name) {
        found = value;
        break;
      }
    }
  }
  if (found === undefined) return { kind: 'absent' };
  if (Array.isArray(found)) {
    if (found.length === 0) return { kind: 'absent' };
    // Repeated signature headers are ambiguous; picking one would let an attacker choose.
    if (found.length > 1) return { kind: 'many' };
    const only = found[0];
    return only === undefined ? { kind: 'absent' } : { kind: 'one', value: only.trim() };
  }
  return { kind: 'one', value: found.trim() };
}

/** Constant-time equality; the length check first is required by timingSafeEqual and leaks only length. */
function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

const TIMESTAMP_PATTERN = /^\d{1,16}$/;

/**
 * Verifies a HubSpot webhook request over its exact raw bytes. v3 is used whenever its header
 * is present (it is the only scheme with a replay window); otherwise v1/v2 per
 * X-HubSpot-Signature-Version, where a missing version header means v1.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const method = input.method.toUpperCase();
  const v3 = readHeader(input.headers, H_SIGNATURE_V3);
  if (v3.kind === 'many') return { ok: false, reason: 'multiple v3 signature headers' };
  if (v3.kind === 'one') {
    if (v3.value === '') return { ok: false, reason: 'missing signature' };
    const ts = readHeader(input.headers, H_TIMESTAMP);
    if (ts.kind === 'many') return { ok: false, reason: 'multiple request timestamps' };
    if (ts.kind === 'absent' || ts.value === '') return { ok: false, reason: 'missing request timestamp' };
    if (!TIMESTAMP_PATTERN.test(ts.value)) return { ok: false, reason: 'invalid request timestamp' };
    const tsMs = Number(ts.value);
    const tolerance = input.toleranceMs ?? DEFAULT_TOLERANCE_MS;
    if (input.nowMs - tsMs > tolerance) return { ok: false, reason: 'timestamp expired' };
    // HubSpot's SDKs accept any future timestamp. We do not: a captured request stamped far
    // in the future would stay replayable until that moment, defeating the replay window.
    // The same tolerance absorbs honest clock skew between HubSpot and us.
    if (tsMs - input.nowMs > tolerance) return { ok: false, reason: 'timestamp in the future' };
    const expected = signV3(input.clientSecret, method, input.url, input.rawBody, ts.value);
    return safeEqual(v3.value, expected) ? { ok: true, version: 'v3' } : { ok: false, reason: 'signature mismatch' };
  }

  const sig = readHeader(input.headers, H_SIGNATURE);
  if (sig.kind === 'many') return { ok: false, reason: 'multiple signature headers' };
  if (sig.kind === 'absent' || sig.value === '') return { ok: false, reason: 'missing signature' };
  const ver = readHeader(input.headers, H_VERSION);
  if (ver.kind === 'many') return { ok: false, reason: 'multiple signature versions' };
  const version = ver.kind === 'absent' || ver.value === '' ? 'v1' : ver.value.toLowerCase();
  // Hex digests: HubSpot sends lower case; accept upper case too, it is the same digest.
  const given = sig.value.toLowerCase();
  if (version === 'v1') {
    return safeEqual(given, signV1(input.clientSecret, input.rawBody)) ? { ok: true, version: 'v1' } : { ok: false, reason: 'signature mismatch' };
  }
  if (version === 'v2') {
    return safeEqual(given, signV2(input.clientSecret, method, input.url, input.rawBody))
      ? { ok: true, version: 'v2' }
      : { ok: false, reason: 'signature mismatch' };
  }
  return { ok: false, reason: 'unsupported signature version' };
}
