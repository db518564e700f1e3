import { readFailureInfo, type ConsumedMessage, type DeadLetter } from '@hookstream/kafka';

/** How events whose row the database refuses unexpectedly are retried through the retry topic. */
export interface RetryPolicy {
  /** Attempts in all, the first one on the events topic included; the last failure dead-letters. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export interface Failure {
  message: ConsumedMessage;
  topic: string;
  partition: number;
  error: Error & { code?: string };
}

export type Route = { to: 'dlq' | 'retry'; letter: DeadLetter };

/**
 * Failures no retry can fix: a value that is not a valid envelope or HubSpot event
 * (ENVELOPE_INVALID), or an event whose values do not fit the schema (STORE_INVALID_INPUT).
 * Checked by code, not class, so that a copy of a package loaded twice cannot change the route.
 */
const PERMANENT_CODES = new Set(['ENVELOPE_INVALID', 'STORE_INVALID_INPUT']);

export function isPermanent(err: { code?: unknown }): boolean {
  return typeof err.code === 'string' && PERMANENT_CODES.has(err.code);
}

/** Delay before the retry that follows failed attempt n: base·2^(n-1), capped. No jitter: order within a retry partition is FIFO anyway. */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/** The decision table of README "Failure paths": dead-letter now, or retry later. */
export function routeFailure(f: Failure, policy: RetryPolicy, now: number): Route {
  const attempts = readFailureInfo(f.message.headers).attempts + 1;
  const letter: DeadLetter = { message: f.message, topic: f.topic, partition: f.partition, error: f.error, attempts };
  if (isPermanent(f.error) || attempts >= policy.maxAttempts) return { to: 'dlq', letter };
  return { to: 'retry', letter: { ...letter, notBefore: now + retryDelayMs(attempts, policy) } };
}

/**
 * Retry-topic messages are processed in offset order once due. Returns how many leading
 * messages are due now and, if one is not, how long until it is.
 */
export function duePrefix(messages: readonly ConsumedMessage[], now: number): { due: number; waitMs: number | undefined } {
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const notBefore = m ? readFailureInfo(m.headers).notBefore : null;
    if (notBefore !== null && notBefore > now) return { due: i, waitMs: notBefore - now };
  }
  return { due: messages.length, waitMs: undefined };
}
