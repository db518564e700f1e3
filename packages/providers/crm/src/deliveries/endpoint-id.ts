import { createHash } from 'node:crypto';

/** Endpoint ids are `ep_` + 1-36 of [a-z0-9_-] (ENDPOINT_ID in @hookstream/deliveries). */
const MAX_ID_BODY = 36;
const HASH_CHARS = 8;

/**
 * `ep_crm_<source>_<status>_<type>`, lower-cased, anything outside [a-z0-9_-] as `_`. The id
 * is how the dispatcher recognises the endpoint across restarts, so it depends only on the
 * names. A body longer than 36 characters keeps its start and ends with a hash of the whole,
 * so two long names that share a start still get different ids.
 */
export function actionEndpointId(source: string, status: string, type: string): string {
  const body = `crm_${source}_${status}_${type}`.toLowerCase().replace(/[^a-z0-9_-]/g, '_');
  if (body.length <= MAX_ID_BODY) return `ep_${body}`;
  const digest = createHash('sha256').update(`${source}\u0000${status}\u0000${type}`).digest('hex').slice(0, HASH_CHARS);
  return `ep_${body.slice(0, MAX_ID_BODY - HASH_CHARS - 1)}_${digest}`;
}
