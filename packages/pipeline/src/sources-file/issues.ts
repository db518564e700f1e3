import type { z } from 'zod';
import type { FieldError } from '@hookstream/core';
import { toPointer } from '../json/pointer.js';

type RawIssue = z.core.$ZodRawIssue;

/**
 * Messages for the issues a provider schema left without its own: short, saying what is
 * wanted, in the words an operator editing YAML would use. Used as zod's per-parse error map,
 * so a schema's own `{ error }` still wins.
 */
export function friendlyIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}, got ${describe(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${unit(issue.origin)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${unit(issue.origin)}`;
    case 'invalid_union':
      return 'matches none of the allowed forms';
    default:
      return undefined;
  }
}

/** `auth.keys.0`, the way the brief's messages and zod's paths spell a field. */
export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.');
}

/** Every issue as a FieldError whose pointer starts at `base` (the entry inside the file). */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], base: ReadonlyArray<string | number>): FieldError[] {
  return issues.map((i) => ({ path: toPointer([...base, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))]), message: i.message }));
}

function unit(origin: string): string {
  if (origin === 'string') return ' characters';
  if (origin === 'array' || origin === 'set') return ' items';
  return '';
}

function article(expected: string): string {
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
