import { createSigner, type Endpoint, type EndpointStore, type Signer } from '@hookstream/deliveries';
import type { Logger } from '@hookstream/observability';

/** An endpoint as the dispatcher uses it: the stored row and a signer for its live secrets. */
export interface Route {
  endpoint: Endpoint;
  signer: Signer | null;
}

export interface RoutingTable {
  /** Re-reads every endpoint; answers the ids whose row changed (or appeared, or went). */
  refresh(): Promise<string[]>;
  get(id: string): Route | undefined;
  all(): Route[];
  /** Applies a change this replica made itself, so it is visible before the next refresh. */
  patch(id: string, change: Partial<Endpoint>): void;
}

/**
 * The endpoints and their signers, re-read as a whole: endpoints are few (hundreds, not
 * millions) and one indexed scan is cheaper than change tracking. Signers are rebuilt only
 * when an endpoint's secrets change, since parsing keys on every attempt would be waste.
 */
export function createRoutingTable(store: EndpointStore, log: Logger, now: () => number = Date.now): RoutingTable {
  let routes = new Map<string, Route>();
  const secretsOf = new Map<string, string>();
  /**
   * patch() stamps each change with the next generation. A refresh whose read began before a
   * patch may have read the row as it was before that change (a lane writes the disable, then
   * patches): it keeps the patched route, and a later refresh reads the committed row.
   */
  let generation = 0;
  const patchedAt = new Map<string, number>();
  const signerFor = (id: string, secrets: string[]): Signer | null => {
    if (secrets.length === 0) return null;
    try {
      return createSigner(secrets);
    } catch (err) {
      // A secret only a config file could have mistyped: that endpoint cannot sign, the rest can.
      log.error({ endpointId: id, err: (err as Error).message }, 'endpoint secret is unusable; its deliveries wait');
      return null;
    }
  };
  return {
    async refresh() {
      const readFrom = generation;
      const rows = await store.listSigning(now());
      const next = new Map<string, Route>();
      const changed: string[] = [];
      for (const { endpoint, secrets } of rows) {
        const prev = routes.get(endpoint.id);
        if (prev && (patchedAt.get(endpoint.id) ?? -1) > readFrom) {
          next.set(endpoint.id, prev);
          continue;
        }
        const key = secrets.join(' ');
        const sameSecrets = secretsOf.get(endpoint.id) === key;
        const signer = prev && sameSecrets ? prev.signer : signerFor(endpoint.id, secrets);
        secretsOf.set(endpoint.id, key);
        next.set(endpoint.id, { endpoint, signer });
        if (!prev || prev.endpoint.updatedAt !== endpoint.updatedAt || prev.endpoint.enabled !== endpoint.enabled || !sameSecrets) changed.push(endpoint.id);
      }
      for (const id of routes.keys()) {
        if (!next.has(id)) {
          changed.push(id);
          secretsOf.delete(id);
        }
      }
      routes = next;
      // Patches this read began after are in the rows it read.
      for (const [id, at] of patchedAt) if (at <= readFrom) patchedAt.delete(id);
      return changed;
    },
    get: (id) => routes.get(id),
    all: () => [...routes.values()],
    patch(id, change) {
      const r = routes.get(id);
      if (!r) return;
      routes.set(id, { ...r, endpoint: { ...r.endpoint, ...change } });
      patchedAt.set(id, ++generation);
    },
  };
}
