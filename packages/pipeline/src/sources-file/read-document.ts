import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { SourcesFileError } from './error.js';

/** Billion-laughs guard: YAML aliases may not expand into more than this many nodes. */
const MAX_ALIAS_COUNT = 100;

export interface ReadContext {
  /** The sources file, named first in every message. @default path */
  label?: string;
  /** What refers to this document, e.g. `sources[0] "alerts": types.alert.schema: `, for a `$ref`'d file. */
  context?: string;
}

/**
 * Reads a YAML or JSON document (JSON when the name ends in `.json`, else YAML, which also
 * reads JSON). Used for the sources file and for the schema files it `$ref`s, so both fail
 * with the same one-line messages.
 */
export function readDocument(path: string, where: ReadContext = {}): unknown {
  const label = where.label ?? path;
  // The sources file itself is already named by the message's prefix.
  const prefix = `${where.context ?? ''}${label === path ? '' : `${path}: `}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SourcesFileError(label, `${prefix}cannot read file: ${errorText(err)}`, { cause: err });
  }
  // Editors on Windows write a byte-order mark; neither format means anything by it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return extname(path).toLowerCase() === '.json' ? parseJson(text, label, prefix) : parseYaml(text, label, prefix);
}

function parseJson(text: string, label: string, prefix: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    // V8's message already carries "(line L column C)".
    throw new SourcesFileError(label, `${prefix}not valid JSON: ${errorText(err)}`, { cause: err });
  }
}

function parseYaml(text: string, label: string, prefix: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    // prettyErrors appends " at line L, column C:" and a code frame; the position is said first instead.
    const what = firstLine(first.message).replace(/\s+at line \d+, column \d+:?$/, '');
    throw new SourcesFileError(label, `${prefix}not valid YAML: ${where}${what}`, { cause: first });
  }
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (err) {
    throw new SourcesFileError(label, `${prefix}not valid YAML: ${errorText(err)}`, { cause: err });
  }
}

function errorText(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err));
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').trim();
}
