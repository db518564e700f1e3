import { dirname, resolve } from 'node:path';
import { toPointer } from '../json/pointer.js';
import { describe } from './issues.js';
import { describeEntry, SourcesFileError } from './error.js';
import { readDocument } from './read-document.js';
import type { SourceEntry, SourcesFile } from './types.js';

export const SOURCE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
export const DEFAULT_PROVIDER = 'sources';

/**
 * Reads SOURCES_FILE once, at start-up, and checks what every provider relies on: a `sources`
 * list of mappings, each with a valid `name` that is unique within its provider. The
 * provider's own fields are left to parseSourceEntries with that provider's schema.
 */
export function loadSourcesFile(path: string): SourcesFile {
  const doc = readDocument(path);
  const fail = (detail: string, pointer: string): never => {
    throw new SourcesFileError(path, detail, { errors: [{ path: pointer, message: detail }] });
  };
  if (!isPlainObject(doc)) return fail(`expected a mapping with a "sources" list at the top, got ${describe(doc)}`, '');
  for (const key of Object.keys(doc)) {
    // x-* keys are free, so operators can keep YAML anchors (shared auth, schemas) at the top.
    if (key !== 'sources' && !key.startsWith('x-')) return fail(`unknown top-level field ${JSON.stringify(key)} (expected "sources")`, toPointer([key]));
  }
  const list = doc.sources;
  if (!Array.isArray(list)) return fail(list === undefined ? 'sources: is required' : `sources: expected a list, got ${describe(list)}`, '/sources');

  const entries: SourceEntry[] = [];
  const seen = new Map<string, number>();
  list.forEach((raw: unknown, index) => {
    if (!isPlainObject(raw)) return fail(`${describeEntry(index)}: expected a mapping, got ${describe(raw)}`, toPointer(['sources', index]));
    const { name, provider = DEFAULT_PROVIDER } = raw;
    if (typeof name !== 'string' || !SOURCE_NAME.test(name)) {
      const what =
        name === undefined ? 'is required' : `must be 1-63 lower-case letters, digits, _ or - starting with a letter or digit, got ${JSON.stringify(name)}`;
      return fail(`${describeEntry(index)}: name: ${what}`, toPointer(['sources', index, 'name']));
    }
    if (typeof provider !== 'string' || !PROVIDER_NAME.test(provider)) {
      return fail(
        `${describeEntry(index, name)}: provider: must be a provider name such as "sources", got ${JSON.stringify(provider)}`,
        toPointer(['sources', index, 'provider']),
      );
    }
    const key = `${provider}\u0000${name}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return fail(`${describeEntry(index, name)}: name: already used by sources[${earlier}] (provider "${provider}")`, toPointer(['sources', index, 'name']));
    }
    seen.set(key, index);
    entries.push({ index, name, provider, raw });
  });
  return { path, dir: dirname(resolve(path)), entries };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
