import { pathToFileURL } from 'node:url';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import {
  authRedactedHeaders,
  createVerifier,
  describeEntry,
  parseSourceEntries,
  SourcesFileError,
  type AuthConfig,
  type ParsedEntry,
  type SourcesFile,
  type Verifier,
} from '@hookstream/pipeline';
import { createAjv } from './ajv.js';
import { compileKeyPlan, type KeyPlan } from './idempotency.js';
import { compileField, type Field } from './locator.js';
import { loadExternalRefs } from './schema-refs.js';
import { genericSourceSchema, type GenericSource } from './schema.js';

export const PROVIDER = 'sources';

/** How parseDelivery reads a source's events; built once by compileSource. */
export interface DeliveryPlan {
  eventType: Field | { from: 'value'; value: string };
  validators: ReadonlyMap<string, ValidateFunction>;
  key: KeyPlan;
  occurredAt: Field | null;
  tenant: Field | null;
  subject: Field | null;
}

export interface CompiledSource {
  name: string;
  /** Position in the sources file, for messages. */
  index: number;
  auth: AuthConfig;
  /** The request check, built once (keys, digests and HMAC keys precomputed). */
  verify: Verifier;
  /** Lower-case header names to keep out of logs. */
  redactedHeaders: readonly string[];
  maxEvents: number;
  /** The declared event types, in file order. */
  eventTypes: readonly string[];
  plan: DeliveryPlan;
}

export type SourceEntryInput = GenericSource & { name: string; index?: number };

/**
 * Prepares one generic source at start-up: every type's JSON Schema is compiled here, once
 * (with the files it `$ref`s, resolved against `fileDir`), so an invalid schema stops the
 * service before it takes traffic and parseDelivery only runs compiled validators.
 */
export function compileSource(entry: SourceEntryInput, fileDir: string, filePath: string = fileDir): CompiledSource {
  const index = entry.index ?? 0;
  const where = describeEntry(index, entry.name);
  const ajv = createAjv();
  const loaded = new Set<string>();
  const dirUrl = `${pathToFileURL(fileDir).href.replace(/\/$/, '')}/`;
  const validators = new Map<string, ValidateFunction>();
  for (const [type, spec] of Object.entries(entry.types)) {
    const context = `${where}: types.${type}.schema: `;
    // A base URL inside the sources file's directory: relative $refs resolve next to the file.
    const id = `${dirUrl}?type=${encodeURIComponent(type)}`;
    const schema = { ...spec.schema, $id: id };
    loadExternalRefs(ajv, schema, id, { label: filePath, context }, loaded);
    try {
      validators.set(type, ajv.compile(schema));
    } catch (err) {
      throw new SourcesFileError(filePath, `${context}${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return {
    name: entry.name,
    index,
    auth: entry.auth,
    verify: createVerifier(entry.auth),
    redactedHeaders: authRedactedHeaders(entry.auth),
    maxEvents: entry.maxEvents,
    eventTypes: [...validators.keys()],
    plan: {
      eventType: entry.eventType.from === 'value' ? entry.eventType : compileField(entry.eventType),
      validators,
      key: compileKeyPlan(entry),
      occurredAt: entry.occurredAt ? compileField(entry.occurredAt) : null,
      tenant: entry.tenant ? compileField(entry.tenant) : null,
      subject: entry.subject ? compileField(entry.subject) : null,
    },
  };
}

/** Every `sources` entry of the file, validated and compiled; other providers' entries are left alone. */
export function compileSources(file: SourcesFile): CompiledSource[] {
  const entries: Array<ParsedEntry<GenericSource>> = parseSourceEntries(file, PROVIDER, genericSourceSchema);
  return entries.map((e) => compileSource(e, file.dir, file.path));
}

/**
 * The credential headers of every generic source, for log redaction: read from the entries' auth
 * alone, so a service that only needs to censor its logs compiles no JSON Schema.
 */
export function sourcesRedactedHeaders(file: SourcesFile): string[] {
  const entries = parseSourceEntries(file, PROVIDER, genericSourceSchema);
  return [...new Set(entries.flatMap((e) => authRedactedHeaders(e.auth)))];
}
