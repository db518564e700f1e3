import type { DestinationContext, ItemResult, SendResult } from '@hookstream/deliveries';
import type { ServerEvent } from './event.js';
import { classify, type Verdict } from './response.js';

/** Where and as whom one destination posts; secrets only ever travel in the JSON body. */
export interface Target {
  url: string;
  accessToken: string;
  testEventCode: string | undefined;
  appSecretProof: string | undefined;
  /** Removes every secret from text that goes into a result (errors, snippets). */
  redact(text: string | null): string | null;
}

/** An event that passed the local checks, with the position of its item in the request. */
export interface Pending {
  index: number;
  event: ServerEvent;
}

/** Meta's per-request cap on `data` (using-the-api, "Batch Requests"). */
export const MAX_EVENTS_PER_REQUEST = 1000;

/**
 * Requests one send may make while splitting refused batches. Isolating k bad events among n
 * takes about 2·k·log2(n) requests; past the budget the undecided events are retried later
 * (as a fresh, smaller problem) instead of one send hammering Meta with thousands of requests.
 */
export const DEFAULT_MAX_REQUESTS = 64;

function body(t: Target, group: readonly Pending[]): string {
  return JSON.stringify({
    data: group.map((p) => p.event),
    access_token: t.accessToken,
    ...(t.testEventCode === undefined ? {} : { test_event_code: t.testEventCode }),
    ...(t.appSecretProof === undefined ? {} : { appsecret_proof: t.appSecretProof }),
  });
}

function resultOf(t: Target, sent: SendResult, verdict: Verdict, latencyMs: number): ItemResult {
  const base = { status: sent.status, responseSnippet: t.redact(sent.responseSnippet), latencyMs };
  switch (verdict.kind) {
    case 'accepted':
      return { ...base, outcome: 'succeeded', error: null, externalId: verdict.fbtraceId };
    case 'invalid':
    case 'final':
      return { ...base, outcome: 'failed', error: t.redact(verdict.error), final: true };
    case 'retry':
      // A 410 would disable a webhook endpoint; from Graph it is just another failed attempt.
      return {
        ...base,
        outcome: sent.outcome === 'gone' ? 'failed' : sent.outcome,
        error: t.redact(verdict.error),
        final: false,
        retryAfterMs: sent.retryAfterMs,
      };
  }
}

/**
 * Posts a group and settles each of its events in `out`. Meta rejects a whole batch for one
 * invalid event (code 100), so a refused batch is split in halves and each half resent, down
 * to the single offending events: one bad event never sinks the others. Halves go one after
 * the other, not at once, so a batch full of bad events cannot burst past Meta's rate limits.
 * `spentMs` is the time of the requests that already carried these events: a result's latency
 * is that of every request that led to its verdict.
 */
async function settle(
  t: Target,
  ctx: DestinationContext,
  group: readonly Pending[],
  out: ItemResult[],
  budget: { left: number },
  spentMs: number,
): Promise<void> {
  budget.left -= 1;
  const sent = await ctx.sender.send(t.url, body(t, group), { accept: 'application/json' });
  const latencyMs = spentMs + sent.latencyMs;
  const verdict = classify(sent);
  if (verdict.kind !== 'invalid' || group.length === 1 || verdict.wholeRequest) {
    const result = resultOf(t, sent, verdict, latencyMs);
    for (const p of group) out[p.index] = result;
    return;
  }
  const half = Math.ceil(group.length / 2);
  for (const part of [group.slice(0, half), group.slice(half)]) {
    if (budget.left > 0) {
      await settle(t, ctx, part, out, budget, latencyMs);
      continue;
    }
    const held: ItemResult = {
      outcome: 'failed',
      status: sent.status,
      error: t.redact(
        `held back: Meta refused a batch holding this event (${verdict.error}); isolating the invalid event needs more requests than one send may make, so it is retried`,
      ),
      responseSnippet: t.redact(sent.responseSnippet),
      latencyMs,
      final: false,
    };
    for (const p of part) out[p.index] = held;
  }
}

/** Sends the events in requests of up to 1,000, settling every one of them in `out`. */
export async function sendAll(t: Target, ctx: DestinationContext, pending: readonly Pending[], out: ItemResult[], maxRequests: number): Promise<void> {
  const budget = { left: maxRequests };
  for (let at = 0; at < pending.length; at += MAX_EVENTS_PER_REQUEST) {
    await settle(t, ctx, pending.slice(at, at + MAX_EVENTS_PER_REQUEST), out, budget, 0);
  }
}
