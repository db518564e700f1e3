import {
  HubSpotApiError,
  HubSpotAuthError,
  HubSpotNoTokenError,
  crmApiObjectType,
  type BatchReadClient,
  type CrmObject,
} from '@hookstream/hubspot';
import type { Logger } from '@hookstream/observability';
import type { EnrichmentState, ObjectRef } from '@hookstream/store';
import { backoffMs } from './backoff.js';
import { refKey } from './decode.js';

export interface EnrichmentOutcome {
  state: EnrichmentState;
  snapshot: CrmObject | null;
  error: string | null;
  /** When a pending enrichment is tried again (epoch ms); null when final. */
  nextAt: number | null;
}

export interface EnricherOptions {
  client: BatchReadClient;
  enabled: boolean;
  properties: Readonly<Record<string, readonly string[]>>;
  retryBaseMs: number;
  retryMaxMs: number;
  now: () => number;
  log: Logger;
}

export interface Enricher {
  /**
   * Reads every distinct object once (grouped by portal and type, ≤100 ids a call inside the
   * client). Never throws for HubSpot trouble: failures become "pending" outcomes with a retry
   * time, so a HubSpot outage delays enrichment but never holds a partition.
   * @param attempts enrichment attempts already made per ref (keyed by refKey), default 0.
   */
  enrich(refs: readonly ObjectRef[], attempts?: ReadonlyMap<string, number>): Promise<Map<string, EnrichmentOutcome>>;
}

const final = (state: EnrichmentState, error: string | null, snapshot: CrmObject | null = null): EnrichmentOutcome => ({ state, snapshot, error, nextAt: null });

export function createEnricher(opts: EnricherOptions): Enricher {
  const retryAt = (attempt: number, minDelayMs = 0) => opts.now() + Math.max(minDelayMs, backoffMs(attempt, opts.retryBaseMs, opts.retryMaxMs));

  async function readGroup(portalId: number, objectType: string, group: ObjectRef[], attempts: ReadonlyMap<string, number>, out: Map<string, EnrichmentOutcome>): Promise<void> {
    const ids = [...new Set(group.map((r) => String(r.objectId)))];
    try {
      const result = await opts.client.read({ portalId, objectType, ids, properties: [...(opts.properties[objectType] ?? [])] });
      for (const ref of group) {
        const found = result.found.get(String(ref.objectId));
        out.set(refKey(ref), found ? final('enriched', null, found) : final('not_found', 'object not found in HubSpot (deleted, merged away or never existed)'));
      }
    } catch (err) {
      if (err instanceof HubSpotNoTokenError && !err.retryable) {
        for (const ref of group) out.set(refKey(ref), final('skipped', err.message.slice(0, 500)));
        return;
      }
      // Retryable: outages, rate limits, token refresh trouble (HubSpotOAuthError), and portals
      // waiting for an OAuth install (HubSpotNoTokenError with retryable set).
      const retryable = (err instanceof HubSpotApiError && err.retryable) || err instanceof HubSpotAuthError;
      if (!retryable) {
        opts.log.warn({ err, portalId, objectType }, 'enrichment refused by HubSpot; events stored unenriched');
        for (const ref of group) out.set(refKey(ref), final('skipped', (err as Error).message.slice(0, 500)));
        return;
      }
      // Auth failures and missing installs wait the longest: a person fixes them, not time (an
      // install makes the portal's waiting events due at once, see makePortalEnrichmentDue).
      const minDelay = err instanceof HubSpotAuthError || err instanceof HubSpotNoTokenError ? opts.retryMaxMs : ((err as { retryAfterMs?: number }).retryAfterMs ?? 0);
      opts.log.warn({ err: (err as Error).message, portalId, objectType, objects: group.length }, 'enrichment deferred');
      for (const ref of group) {
        const attempt = (attempts.get(refKey(ref)) ?? 0) + 1;
        out.set(refKey(ref), { state: 'pending', snapshot: null, error: (err as Error).message.slice(0, 500), nextAt: retryAt(attempt, minDelay) });
      }
    }
  }

  return {
    async enrich(refs, attempts = new Map()) {
      const out = new Map<string, EnrichmentOutcome>();
      const groups = new Map<string, Map<number, ObjectRef>>();
      for (const ref of refs) {
        if (out.has(refKey(ref))) continue;
        if (!opts.enabled) {
          out.set(refKey(ref), final('skipped', 'enrichment disabled (HUBSPOT_ENRICH=false)'));
          continue;
        }
        if (!crmApiObjectType(ref.objectType)) {
          out.set(refKey(ref), final('skipped', `object type "${ref.objectType}" has no CRM batch read`));
          continue;
        }
        const g = `${ref.portalId}|${ref.objectType}`;
        const group = groups.get(g) ?? new Map<number, ObjectRef>();
        group.set(ref.objectId, ref);
        groups.set(g, group);
      }
      await Promise.all(
        [...groups.values()].map((group) => {
          const refs = [...group.values()];
          const first = refs[0] as ObjectRef;
          return readGroup(first.portalId, first.objectType, refs, attempts, out);
        }),
      );
      return out;
    },
  };
}
