import { z } from 'zod';
import {
  authConfigSchema,
  authRedactedHeaders,
  createVerifier,
  describeEntry,
  parseSourceEntries,
  SourcesFileError,
  type AuthConfig,
  type SourcesFile,
  type Verifier,
} from '@hookstream/pipeline';
import { PROVIDER } from '../constants.js';
import { actionEndpointId } from '../deliveries/endpoint-id.js';
import { DEFAULT_RULES, rulesSchema, type Rule } from './rules.js';
import { DEFAULT_STAGES, stageRanks, stagesSchema, type StageRanks } from './stages.js';

/** A `provider: crm` entry of SOURCES_FILE, without its name (the loader owns it). */
export const crmEntrySchema = z.strictObject({
  auth: authConfigSchema,
  stages: stagesSchema.optional(),
  rules: rulesSchema.optional(),
});

export type CrmEntryInput = z.input<typeof crmEntrySchema>;

export interface CrmSource {
  name: string;
  /** Position in the sources file, for messages. */
  index: number;
  auth: AuthConfig;
  /** Built once: keys hashed, compared in constant time. */
  verify: Verifier;
  stages: readonly string[];
  ranks: StageRanks;
  /** The entry's rules, or the reference system's when it lists none. */
  rules: readonly Rule[];
}

/**
 * Every `provider: crm` entry, validated, with its verifier. A problem stops start-up with one
 * line naming the file, the entry and the field (SourcesFileError), before any traffic.
 */
export function loadCrmSources(file: SourcesFile): CrmSource[] {
  const sources = parseSourceEntries(file, PROVIDER, crmEntrySchema).map((e) => {
    const stages = e.stages ?? DEFAULT_STAGES;
    return { name: e.name, index: e.index, auth: e.auth, verify: createVerifier(e.auth), stages, ranks: stageRanks(stages), rules: e.rules ?? DEFAULT_RULES };
  });
  checkEndpointIds(file, sources);
  return sources;
}

/**
 * Two actions whose names sanitise alike (`Closed Won` and `closed_won`) would share an
 * endpoint id and the dispatcher would keep only one of them: refused at load instead.
 */
function checkEndpointIds(file: SourcesFile, sources: readonly CrmSource[]): void {
  const seen = new Map<string, string>();
  for (const s of sources) {
    s.rules.forEach((rule, i) => {
      for (const action of rule.actions) {
        const id = actionEndpointId(s.name, rule.status, action.type);
        const what = `${describeEntry(s.index, s.name)}: rules.${i}`;
        const earlier = seen.get(id);
        if (earlier !== undefined) throw new SourcesFileError(file.path, `${what}: ${action.type} action has the endpoint id ${id}, as ${earlier} has`);
        seen.set(id, `${what} (${action.type})`);
      }
    });
  }
}

/** The credential headers of every crm entry, for log redaction; no verifier is built. */
export function crmRedactedHeaders(file: SourcesFile): string[] {
  return [...new Set(parseSourceEntries(file, PROVIDER, crmEntrySchema).flatMap((e) => authRedactedHeaders(e.auth)))];
}
