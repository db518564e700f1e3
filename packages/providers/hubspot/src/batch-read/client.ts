import { crmApiObjectType } from '../object-types.js';
import { classifyResponse, type AttemptOutcome } from './classify.js';
import { HubSpotBadRequestError, HubSpotNoTokenError, HubSpotRateLimitedError, HubSpotUnavailableError, type HubSpotApiError } from './errors.js';
import { createPortalRateLimiter, createSemaphore } from './rate-limiter.js';
import type { ParsedBatch } from './responses.js';
import type { BatchReadClient, BatchReadClientOptions, BatchReadInput, BatchReadResult } from './types.js';

/** HubSpot rejects object batch requests with more than 100 inputs. */
export const MAX_IDS_PER_CALL = 100;

const BACKOFF_BASE_MS = 250;
/** Added to HubSpot's 10 s window (see the limiter below). */
const WINDOW_MARGIN_MS = 500;
const BACKOFF_CAP_MS = 8_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createBatchReadClient(opts: BatchReadClientOptions): BatchReadClient {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const maxRetries = opts.maxRetries ?? 4;
  const timeoutMs = opts.requestTimeoutMs ?? 10_000;
  const budgetMs = opts.retryBudgetMs ?? 20_000;
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  // HubSpot counts arrivals, we count sends: a request that waited longer on the way than the one
  // ten seconds after it would put both in one of HubSpot's windows. The margin absorbs that.
  const limiter = createPortalRateLimiter({ maxRequests: opts.maxRequestsPer10s ?? 100, windowMs: 10_000 + WINDOW_MARGIN_MS, now, sleep });
  const semaphore = createSemaphore(opts.maxConcurrent ?? 6);
  /** Portals whose DAILY limit is spent, until when; reads fail fast instead of spinning. */
  const dailyBlocked = new Map<number, number>();
  const stats = { calls: 0, retries: 0 };

  /** Equal jitter: half the exponential delay fixed, half random, so retries spread out. */
  const backoff = (attempt: number): number => {
    const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
    return Math.round(exp / 2 + random() * (exp / 2));
  };

  async function attempt(url: string, token: string, body: string, ids: readonly string[]): Promise<AttemptOutcome> {
    return semaphore.run(async () => {
      stats.calls++;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        const reason = cause instanceof Error && cause.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'network error';
        return { kind: 'retry', reason, rateLimited: false, cause };
      }
      try {
        return await classifyResponse(res, ids, now());
      } catch (cause) {
        return { kind: 'retry', reason: 'connection lost while reading the answer', status: res.status, rateLimited: false, cause };
      }
    });
  }

  async function readChunk(input: BatchReadInput, apiType: string, token: string, ids: string[], properties: string[]): Promise<ParsedBatch> {
    const url = `${baseUrl}/crm/v3/objects/${encodeURIComponent(apiType)}/batch/read?archived=false`;
    const body = JSON.stringify({ inputs: ids.map((id) => ({ id })), properties, propertiesWithHistory: [] });
    const started = now();
    for (let n = 0; ; n++) {
      await limiter.acquire(input.portalId);
      const outcome = await attempt(url, token, body, ids);
      if (outcome.kind === 'done') {
        if (outcome.pauseMs !== undefined) limiter.pause(input.portalId, now() + outcome.pauseMs);
        for (const e of outcome.batch.otherErrors) {
          opts.log.warn(
            { portalId: input.portalId, objectType: input.objectType, category: e.category, hubspotMessage: e.message },
            'batch read reported an error; ids counted as not found',
          );
        }
        return outcome.batch;
      }
      if (outcome.kind === 'fail') {
        if (outcome.blockPortalMs !== undefined) dailyBlocked.set(input.portalId, now() + outcome.blockPortalMs);
        if (outcome.error.status === 401) opts.onAuthRejected?.(input.portalId, token);
        throw outcome.error;
      }
      const delay = Math.max(outcome.delayMs ?? backoff(n), outcome.minDelayMs ?? 0);
      if (outcome.pausePortal) limiter.pause(input.portalId, now() + delay);
      const elapsed = now() - started;
      if (n >= maxRetries || elapsed + delay > budgetMs) throw exhausted(outcome, delay, n + 1);
      stats.retries++;
      opts.log.warn(
        { portalId: input.portalId, objectType: input.objectType, status: outcome.status, attempt: n + 1, delayMs: delay, reason: outcome.reason },
        'HubSpot batch read failed; retrying',
      );
      await sleep(delay);
    }
  }

  function exhausted(outcome: Extract<AttemptOutcome, { kind: 'retry' }>, delay: number, attempts: number): HubSpotApiError {
    const message = `${outcome.reason} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`;
    const options = { status: outcome.status, retryAfterMs: delay, cause: outcome.cause };
    return outcome.rateLimited ? new HubSpotRateLimitedError(message, options) : new HubSpotUnavailableError(message, options);
  }

  async function read(input: BatchReadInput): Promise<BatchReadResult> {
    const apiType = crmApiObjectType(input.objectType);
    if (apiType === undefined) {
      throw new HubSpotBadRequestError(`object type "${input.objectType}" cannot be read through the CRM objects API`);
    }
    const ids = [...new Set(input.ids.filter((id) => id !== ''))];
    const result: BatchReadResult = { found: new Map(), notFound: new Set() };
    if (ids.length === 0) return result;

    const blockedUntil = dailyBlocked.get(input.portalId);
    if (blockedUntil !== undefined) {
      const left = blockedUntil - now();
      if (left > 0) throw new HubSpotRateLimitedError('HubSpot daily limit reached for this portal', { status: 429, retryAfterMs: left });
      dailyBlocked.delete(input.portalId);
    }
    const token = await opts.tokenFor(input.portalId);
    if (token === undefined || token === '') {
      throw new HubSpotNoTokenError(`no HubSpot access token configured for portal ${input.portalId}`);
    }

    const properties = [...new Set(input.properties)];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_CALL) chunks.push(ids.slice(i, i + MAX_IDS_PER_CALL));
    const batches = await Promise.all(chunks.map((chunk) => readChunk(input, apiType, token, chunk, properties)));
    for (const b of batches) {
      for (const [id, obj] of b.found) result.found.set(id, obj);
      for (const id of b.notFound) result.notFound.add(id);
    }
    for (const id of result.found.keys()) result.notFound.delete(id);
    return result;
  }

  return { read, stats, setMaxRequestsPer10s: (n, how) => limiter.setMaxRequests(n, how) };
}
