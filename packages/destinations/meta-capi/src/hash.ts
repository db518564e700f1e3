import { createHash } from 'node:crypto';

/** The user_data keys Meta requires SHA-256 hashed (customer-information-parameters). */
export type HashedField = 'em' | 'ph' | 'fn' | 'ln' | 'ct' | 'st' | 'zp' | 'country';

const SHA256_HEX = /^[a-f0-9]{64}$/;

export const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

// A deliberately plain check (one @, a dot in the domain, no spaces): Meta only needs the
// address to be the one the person typed; anything this refuses is omitted, never guessed at.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The phone characters the official SDK strips before counting digits; letters go too. */
const PHONE_NOISE = /[-@#<>'",; ()+a-z]/g;

/**
 * Normalises one value the way Meta's official SDK does (`normalizeAndHash`): null when the
 * value cannot be normalised, so the caller omits that field instead of sending a hash Meta
 * can never match.
 */
export function normalize(field: HashedField, input: string): string | null {
  const v = input.trim().toLowerCase();
  if (v === '') return null;
  switch (field) {
    case 'em':
      return EMAIL.test(v) ? v : null;
    case 'ph': {
      // International numbers written with 00 lose it; the country code itself must stay.
      const digits = v.replace(PHONE_NOISE, '').replace(/^0{1,2}/, '');
      return /^\d{7,16}$/.test(digits) ? digits : null;
    }
    case 'fn':
    case 'ln': {
      // Meta: "no punctuation", UTF-8 letters kept (Valéry → valéry).
      const name = v.replace(/\p{P}/gu, '').trim();
      return name === '' ? null : name;
    }
    case 'ct':
    case 'st': {
      const place = v.replace(/[\d\s().-]/g, '');
      return place === '' ? null : place;
    }
    case 'zp': {
      const zip = (v.replace(/\s/g, '').split('-')[0] ?? '').trim();
      return zip.length < 2 ? null : zip;
    }
    case 'country':
      return /^[a-z]{2}$/.test(v) ? v : null;
  }
}

/**
 * The value Meta receives for a hashed field: an already SHA-256-hashed value passes through
 * (hashing it again would never match), anything else is normalised then hashed. Unlike the
 * SDK, 32-hex (MD5-looking) values are NOT passed through: the CRM's demo payload carries
 * 32-hex placeholders in name/e-mail fields, and an MD5 hash is not what Meta matches on, so
 * they are treated as opaque strings (and for em/ph, fail normalisation and are omitted).
 */
export function hashField(field: HashedField, input: string): string | null {
  const trimmed = input.trim().toLowerCase();
  if (SHA256_HEX.test(trimmed)) return trimmed;
  const normal = normalize(field, input);
  return normal === null ? null : sha256Hex(normal);
}

export const isSha256Hex = (value: string): boolean => SHA256_HEX.test(value);
