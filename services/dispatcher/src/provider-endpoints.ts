import { EndpointInputSchema, createEndpointStore, type DeclaredEndpointRow } from '@hookstream/deliveries';
import type { Logger, Registry } from '@hookstream/observability';
import type { Provider, ProviderEnv } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';

/**
 * Keeps the endpoints providers declare (origin `rules`: the CRM's status actions) in step with
 * what the hosted providers declare now: new ones are created, changed ones updated, removed ones
 * deleted. A provider's endpoint ids start with `ep_<provider>_`, and only those of a hosted
 * provider are pruned, so a dispatcher that does not host a provider never touches its rules.
 */
export async function syncProviderEndpoints(
  ds: DataSource,
  providers: readonly Provider[],
  ctx: { env: ProviderEnv; log: Logger; registry: Registry; now?: () => number },
): Promise<string[]> {
  const now = ctx.now ?? Date.now;
  const rows: DeclaredEndpointRow[] = [];
  const prefixes: string[] = [];
  for (const p of providers) {
    if (!p.deliveries) continue;
    const prefix = `ep_${p.id}_`;
    prefixes.push(prefix);
    const part = await p.deliveries({ env: ctx.env, log: ctx.log, registry: ctx.registry, now });
    for (const e of part.endpoints) {
      if (!e.id.startsWith(prefix)) throw new Error(`provider ${p.id} declares endpoint ${e.id}: its ids must start with ${prefix}`);
      rows.push({
        id: e.id,
        kind: e.kind,
        destination: e.destination,
        retrySchedule: e.retrySchedule,
        input: EndpointInputSchema.parse({ url: e.url, description: e.description, filter: e.filter }),
      });
    }
  }
  const store = createEndpointStore(ds);
  const created = await store.syncConfigured(rows, now(), 'rules');
  const removed = await store.prune(
    'rules',
    prefixes,
    rows.map((r) => r.id),
    now(),
  );
  ctx.log.info({ endpoints: rows.map((r) => r.id), created, removed }, 'provider rules applied as endpoints');
  return rows.map((r) => r.id);
}
