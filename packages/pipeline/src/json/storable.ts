import { escapePointerToken } from './pointer.js';

/**
 * Values valid as JSON but not storable unchanged in a MySQL/MariaDB JSON column:
 *  - nesting deeper than `maxDepth` (default 20): MariaDB refuses JSON deeper than 31 levels
 *    and JSON.stringify overflows the stack at a few thousand, so the limit leaves room for
 *    the envelope a provider wraps around the event;
 *  - strings, keys or values, with an unpaired UTF-16 surrogate (`"\ud800"` is valid JSON text
 *    but not Unicode): MySQL and MariaDB refuse them in a JSON column;
 *  - numbers beyond double range (`1e400` parses to Infinity), which would be stored as null.
 * Same ideas as the HubSpot provider's check, with JSON pointers for paths.
 */
export const MAX_STORABLE_DEPTH = 20;

export interface Unstorable {
  /** JSON pointer (RFC 6901) of the offending value, relative to the checked value. */
  path: string;
  message: string;
}

/** A container still to visit; the parent chain rebuilds the path only when something fails. */
interface Pending {
  value: object;
  depth: number;
  key: string;
  parent: Pending | undefined;
}

// String.prototype.isWellFormed is ES2024 (Node >= 20); the tree's lib is ES2023.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The first problem found, or null. Iterative, so input nesting depth is unbounded. */
export function findUnstorable(value: unknown, maxDepth: number = MAX_STORABLE_DEPTH): Unstorable | null {
  const leaf = checkLeaf(value);
  if (leaf) return { path: '', message: leaf };
  if (typeof value !== 'object' || value === null) return null;
  const stack: Pending[] = [{ value, depth: 1, key: '', parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop() as Pending;
    if (node.depth > maxDepth) return { path: pathOf(node), message: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(node.value)) {
      const items: unknown[] = node.value;
      for (let i = 0; i < items.length; i++) {
        const v = items[i];
        const problem = checkLeaf(v);
        if (problem) return { path: `${pathOf(node)}/${i}`, message: problem };
        if (typeof v === 'object' && v !== null) stack.push({ value: v, depth: node.depth + 1, key: String(i), parent: node });
      }
      continue;
    }
    const record = node.value as Record<string, unknown>;
    for (const k in record) {
      if (!isWellFormed(k)) return { path: pathOf(node), message: 'a field name contains an unpaired UTF-16 surrogate' };
      const v = record[k];
      const problem = checkLeaf(v);
      if (problem) return { path: `${pathOf(node)}/${escapePointerToken(k)}`, message: problem };
      if (typeof v === 'object' && v !== null) stack.push({ value: v, depth: node.depth + 1, key: k, parent: node });
    }
  }
  return null;
}

function checkLeaf(v: unknown): string | null {
  if (typeof v === 'string') return isWellFormed(v) ? null : 'contains an unpaired UTF-16 surrogate';
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'number is out of range';
  return null;
}

function pathOf(node: Pending): string {
  const keys: string[] = [];
  for (let n: Pending | undefined = node; n?.parent; n = n.parent) keys.push(escapePointerToken(n.key));
  let out = '';
  for (let i = keys.length - 1; i >= 0; i--) out += `/${keys[i] as string}`;
  return out;
}
