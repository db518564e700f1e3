import { findUnstorable as findInJson, MAX_STORABLE_DEPTH } from '@hookstream/pipeline';

/**
 * Values valid as JSON but not storable in a MySQL/MariaDB JSON column (the pipeline's check:
 * nesting deeper than MAX_EVENT_DEPTH, unpaired UTF-16 surrogates, numbers beyond double range).
 * Checked by parseWebhookBatch, so the edge refuses them with a 400 instead of acknowledging
 * them, and the processor dead-letters any that reach Kafka at once (retrying can never store
 * them). HubSpot's messages name the field the way its 400s always have: `propertyValue`,
 * `extra[0][1]`.
 */
export const MAX_EVENT_DEPTH = MAX_STORABLE_DEPTH;

/** Returns "<path>: <why>" for the first problem, or null. Iterative: input depth is unbounded. */
export function findUnstorable(event: unknown): string | null {
  const found = findInJson(event, MAX_EVENT_DEPTH);
  if (!found) return null;
  return `${dottedPath(event, found.path) || 'value'}: ${found.message}`;
}

/** A JSON pointer into `value` as `a.b[0].c`, following the value so array indexes read as such. */
function dottedPath(value: unknown, pointer: string): string {
  if (pointer === '') return '';
  let out = '';
  let at: unknown = value;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      out += `[${key}]`;
      at = at[Number(key)];
    } else {
      out += out ? `.${printable(key)}` : printable(key);
      at = (at as Record<string, unknown> | undefined)?.[key];
    }
  }
  return out;
}

function printable(k: string): string {
  const clean = k.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
