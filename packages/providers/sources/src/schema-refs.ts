import { fileURLToPath } from 'node:url';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { readDocument, SourcesFileError } from '@hookstream/pipeline';

/** Keywords whose values are data, not schemas: a "$ref" string inside them is not a reference. */
const DATA_KEYWORDS = new Set(['const', 'enum', 'examples', 'default']);

export interface RefSite {
  /** The sources file, for the message prefix. */
  label: string;
  /** e.g. `sources[0] "alerts": types.alert.schema: `. */
  context: string;
}

/**
 * Loads every file a schema `$ref`s (relative to `baseUrl`, and transitively) into `ajv`
 * under its file URL, so a synchronous compile finds them. Network references are refused:
 * start-up must not depend on another server. A file is identified by its path: its own
 * `$id`, if any, is replaced by its file URL so relative references inside it resolve next
 * to it. `#...` references are left to Ajv.
 */
export function loadExternalRefs(ajv: Ajv2020, schema: unknown, baseUrl: string, site: RefSite, loaded: Set<string>): void {
  const pending: Array<{ node: unknown; base: string }> = [{ node: schema, base: baseUrl }];
  while (pending.length > 0) {
    const { node, base } = pending.pop() as { node: unknown; base: string };
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) pending.push({ node: item, base });
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const file = resolveRef(value, base, site);
        if (file !== null && !loaded.has(file)) {
          loaded.add(file);
          pending.push({ node: addFile(ajv, file, value, site), base: file });
        }
      } else if (!DATA_KEYWORDS.has(key)) {
        pending.push({ node: value, base });
      }
    }
  }
}

/** The file URL (without fragment) a reference points into, or null for a `#...` reference. */
function resolveRef(ref: string, base: string, site: RefSite): string | null {
  if (ref.startsWith('#')) return null;
  let url: URL;
  try {
    url = new URL(ref, base);
  } catch {
    throw new SourcesFileError(site.label, `${site.context}$ref ${JSON.stringify(ref)} is not a valid reference`);
  }
  if (url.protocol !== 'file:') {
    throw new SourcesFileError(site.label, `${site.context}$ref ${JSON.stringify(ref)}: only files (relative to the sources file) can be referenced`);
  }
  url.hash = '';
  return url.href;
}

function addFile(ajv: Ajv2020, fileUrl: string, ref: string, site: RefSite): unknown {
  const where = `${site.context}$ref ${JSON.stringify(ref)}: `;
  const path = fileURLToPath(fileUrl);
  const doc = readDocument(path, { label: site.label, context: where });
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new SourcesFileError(site.label, `${where}${path}: expected a JSON Schema (a mapping)`);
  }
  const schema = { ...doc, $id: fileUrl };
  try {
    ajv.addSchema(schema);
  } catch (err) {
    throw new SourcesFileError(site.label, `${where}${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return schema;
}
