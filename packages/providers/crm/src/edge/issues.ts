import type { z } from 'zod';

type RawIssue = z.core.$ZodRawIssue;

/**
 * Messages for a JSON body, in JSON's words. None quotes the value that failed: a body carries
 * customers' names, e-mail addresses and phone numbers, and a refusal's message is logged.
 */
export function bodyIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${article(issue.expected)}, got ${jsonKind(issue.input)}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
      return Number(issue.minimum) === 0 ? 'must not be negative' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' ? ' characters' : ''}`;
    default:
      return 'is invalid';
  }
}

export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return article(typeof value);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}
