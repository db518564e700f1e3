import { z } from 'zod';
import {
  authConfigSchema,
  authRedactedHeaders,
  createVerifier,
  parseSourceEntries,
  type AuthConfig,
  type SourcesFile,
  type Verifier,
} from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';

/**
 * A `provider: location` entry of SOURCES_FILE, without its name (the loader owns it). `auth`
 * is any of the shared types: `radar` for Radar's signature, `api_key` or `bearer` for a
 * gateway or the reference system's senders.
 */
export const locationEntrySchema = z.strictObject({ auth: authConfigSchema });

export type LocationEntryInput = z.input<typeof locationEntrySchema>;

export interface LocationSource {
  name: string;
  index: number;
  auth: AuthConfig;
  /** Built once: keys hashed, compared in constant time. */
  verify: Verifier;
}

/** Every `provider: location` entry, validated, with its verifier; a problem stops start-up naming the entry and field. */
export function loadLocationSources(file: SourcesFile): LocationSource[] {
  return parseSourceEntries(file, PROVIDER, locationEntrySchema).map((e) => ({ name: e.name, index: e.index, auth: e.auth, verify: createVerifier(e.auth) }));
}

/** The credential headers of every location entry, for log redaction and the archive. */
export function locationRedactedHeaders(file: SourcesFile): string[] {
  return [...new Set(parseSourceEntries(file, PROVIDER, locationEntrySchema).flatMap((e) => authRedactedHeaders(e.auth)))];
}
