import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { AppError } from '@hookstream/core';

const PREFIX = 'whsec_';
/** Standard Webhooks asks for 24–64 bytes; below 16 an HMAC key is guessable in principle. */
const MIN_KEY_BYTES = 16;
/** Standard base64 (padding optional). Checked up front because Buffer.from silently skips bad characters. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignInput {
  msgId: string;
  timestampSec: number;
  body: string | Buffer;
}

export type Signer = (input: SignInput) => SignatureHeaders;

function refuse(message: string): AppError {
  // A bad secret is configuration, not a transient fault: retrying the delivery cannot fix it.
  return new AppError('invalid_signing_secret', 400, message, { retryable: false });
}

/** The HMAC key of a `whsec_<base64>` secret. Throws on anything else, never echoing the secret. */
export function parseSecret(secret: string): Buffer {
  if (!secret.startsWith(PREFIX)) throw refuse(`signing secret must start with "${PREFIX}"`);
  const encoded = secret.slice(PREFIX.length);
  // The length check rejects misplaced padding (e.g. "a=b") that the pattern alone would pass.
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) throw refuse(`signing secret must be "${PREFIX}" followed by standard base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES) throw refuse(`signing secret must encode at least ${MIN_KEY_BYTES} bytes (got ${key.length})`);
  return key;
}

/** A new secret: 24 random bytes, the size Svix and the Standard Webhooks libraries generate. */
export function generateSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

/**
 * A signer for a fixed set of active secrets, keys parsed once: a delivery worker signs every
 * attempt, while secrets change only on rotation. During a rotation both the old and the new
 * secret are active, so every receiver — whichever one it holds — finds a matching `v1,` entry.
 */
export function createSigner(secrets: readonly string[]): Signer {
  if (secrets.length === 0) throw refuse('at least one signing secret is required');
  const keys: KeyObject[] = secrets.map((s) => createSecretKey(parseSecret(s)));
  return ({ msgId, timestampSec, body }) => {
    // A fractional or negative stamp would be signed as such and then refused by every receiver.
    if (!Number.isSafeInteger(timestampSec) || timestampSec < 0) throw new RangeError(`timestampSec must be a whole number of seconds, got ${timestampSec}`);
    // The id goes out as a header value, where a newline would be refused by node:http (or,
    // worse, split the header) only at send time; refusing it here fails at the cause.
    if (msgId === '' || /\s/.test(msgId)) throw new RangeError('msgId must be non-empty and contain no whitespace');
    const timestamp = String(timestampSec);
    const prefix = `${msgId}.${timestamp}.`;
    // The body is signed as bytes, so a Buffer is hashed exactly as it will be sent.
    const signature = keys.map((key) => `v1,${createHmac('sha256', key).update(prefix, 'utf8').update(body).digest('base64')}`).join(' ');
    return { 'webhook-id': msgId, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
  };
}

/** One-off signing; prefer createSigner when the same secrets sign many messages. */
export function signatureHeaders(input: SignInput & { secrets: readonly string[] }): SignatureHeaders {
  return createSigner(input.secrets)(input);
}
