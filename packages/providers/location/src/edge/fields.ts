import type { FieldError } from '@hookstream/core';
import { escapePointerToken } from '@hookstream/pipeline';

/** Ids become parts of keys (the ledger's, the tables'): bounded, no control characters, no outer spaces. */
export const MAX_ID_LENGTH = 128;
const ID = new RegExp(`^(?!\\s)[^\\p{Cc}]{1,${MAX_ID_LENGTH}}(?<!\\s)$`, 'u');
const TYPE = /^[A-Za-z0-9_.:-]{1,128}$/;

export const isId = (v: string): boolean => ID.test(v);
export const ID_RULE = `must be 1-${MAX_ID_LENGTH} characters without control characters or leading/trailing spaces`;

export type Json = Record<string, unknown>;

/** ECMAScript's largest Date (±8.64e15 ms): beyond it toISOString throws. */
const MAX_DATE_MS = 8_640_000_000_000_000;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|infinity)$/i;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads fields of one JSON document and collects every problem with its JSON pointer, so a
 * refusal names each bad field at once. Numbers and booleans may come as strings (the reference
 * system sends `"36.92"` and `"TRUE"`).
 */
export class FieldReader {
  readonly errors: FieldError[] = [];

  at(path: string, key: string | number): string {
    return `${path}/${escapePointerToken(String(key))}`;
  }

  fail(path: string, message: string): null {
    this.errors.push({ path, message });
    return null;
  }

  /** An id (string, or a whole number the sender meant as one). */
  id(v: unknown, path: string, required: boolean): string | null {
    if (v === undefined || v === null) return required ? this.fail(path, 'is required') : null;
    const text = typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : v;
    if (typeof text !== 'string') return this.fail(path, 'must be a string');
    return isId(text) ? text : this.fail(path, ID_RULE);
  }

  type(v: unknown, path: string): string | null {
    if (v === undefined || v === null) return this.fail(path, 'is required');
    if (typeof v !== 'string' || !TYPE.test(v)) return this.fail(path, 'must be an event type of 1-128 letters, digits and _ . : -');
    return v;
  }

  /**
   * A finite number, or a string holding one in decimal (`"36.92"`, `"-1e-3"`; not `"0x10"`,
   * which Number() would read as 16). NaN and Infinity are refused however they are spelt.
   */
  number(v: unknown, path: string): number | null {
    if (v === undefined || v === null) return this.fail(path, 'is required');
    if (typeof v === 'string') {
      const t = v.trim();
      if (NON_FINITE.test(t)) return this.fail(path, 'must be a finite number');
      if (!DECIMAL.test(t)) return this.fail(path, 'must be a number');
      v = Number(t);
    }
    if (typeof v !== 'number') return this.fail(path, 'must be a number');
    return Number.isFinite(v) ? v : this.fail(path, 'must be a finite number');
  }

  within(v: unknown, path: string, min: number, max: number, what: string): number | null {
    const n = this.number(v, path);
    if (n === null) return null;
    return n >= min && n <= max ? n : this.fail(path, `${what} must be between ${min} and ${max}`);
  }

  optionalNumber(v: unknown, path: string): number | null {
    return v === undefined || v === null ? null : this.number(v, path);
  }

  bool(v: unknown, path: string): boolean | null {
    if (v === undefined || v === null) return null;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
    }
    return this.fail(path, 'must be true or false');
  }

  /** An ISO 8601 time or epoch milliseconds (a number or a string of digits), within what a Date holds; null when absent. */
  time(v: unknown, path: string): number | null {
    if (v === undefined || v === null) return null;
    const ms = typeof v === 'number' ? v : typeof v === 'string' ? (/^\d{1,16}$/.test(v) ? Number(v) : Date.parse(v)) : NaN;
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > MAX_DATE_MS) return this.fail(path, 'must be an ISO 8601 time or epoch milliseconds');
    return ms;
  }

  object(v: unknown, path: string): Json | null {
    if (v === undefined || v === null) return null;
    return isObject(v) ? v : this.fail(path, 'must be an object');
  }
}
