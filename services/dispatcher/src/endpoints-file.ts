import { AppError } from '@hookstream/core';
import { ENDPOINT_ID, EndpointInputSchema, assertFilter, createEndpointStore, parseSecret, type EndpointInput } from '@hookstream/deliveries';
import type { Logger } from '@hookstream/observability';
import { readDocument } from '@hookstream/pipeline';
import type { DataSource } from '@hookstream/store';
import { z } from 'zod';

/** One declared endpoint: the API's fields plus a fixed id and its secret (inline or from the environment). */
const EntrySchema = EndpointInputSchema.extend({
  id: z.string().regex(ENDPOINT_ID, { error: 'must be ep_ followed by 1-36 of a-z, 0-9, _ or -' }),
  secret: z.string().optional(),
  secretEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
}).strict();

export interface DeclaredEndpoint {
  id: string;
  secret: string;
  input: EndpointInput;
}

const fail = (file: string, detail: string): AppError => new AppError('ENDPOINTS_FILE_INVALID', 500, `ENDPOINTS_FILE ${file}: ${detail}`, { retryable: false });

/**
 * Reads ENDPOINTS_FILE (YAML or JSON): `endpoints: [{ id, url, secret | secretEnv, filter, … }]`,
 * for fixed set-ups that should not depend on API calls. One-line errors name the entry and field.
 */
export function loadEndpointsFile(file: string, env: NodeJS.ProcessEnv = process.env): DeclaredEndpoint[] {
  let doc: unknown;
  try {
    doc = readDocument(file);
  } catch (err) {
    // readDocument speaks of SOURCES_FILE, the file it was written for; the detail is what matters here.
    throw fail(file, (err as Error).message.replace(/^SOURCES_FILE [^:]*: /, ''));
  }
  const list = (doc as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list)) throw fail(file, 'expected a mapping with an "endpoints" list at the top');
  const seen = new Set<string>();
  return list.map((raw, i) => {
    const r = EntrySchema.safeParse(raw);
    const where = `endpoints[${i}]${typeof (raw as { id?: unknown })?.id === 'string' ? ` ${JSON.stringify((raw as { id: string }).id)}` : ''}`;
    if (!r.success) {
      const issue = r.error.issues[0];
      throw fail(file, `${where}: ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}`);
    }
    const { id, secret, secretEnv, ...input } = r.data;
    if (seen.has(id)) throw fail(file, `${where}: id is declared twice`);
    seen.add(id);
    if (secret !== undefined && secretEnv !== undefined) throw fail(file, `${where}: give secret or secretEnv, not both`);
    const value = secret ?? (secretEnv ? env[secretEnv] : undefined);
    if (!value) throw fail(file, `${where}: give secret (whsec_…) or secretEnv naming a set environment variable`);
    try {
      parseSecret(value);
      assertFilter(input.filter);
    } catch (err) {
      // A filter's errors name each bad path; the message alone would only say that some are bad.
      const fields = (err as AppError).errors?.map((e) => `${e.path.replace(/^\//, '').replace(/\//g, '.')}: ${e.message}`);
      throw fail(file, `${where}: ${fields?.length ? fields.join('; ') : (err as Error).message}`);
    }
    return { id, secret: value, input };
  });
}

/** Makes the file's endpoints exist as declared; the rest of the endpoints table is left alone. */
export async function syncEndpointsFile(ds: DataSource, file: string, log: Logger): Promise<void> {
  const entries = loadEndpointsFile(file);
  const created = await createEndpointStore(ds).syncConfigured(entries, Date.now());
  log.info({ file, endpoints: entries.map((e) => e.id), created }, 'endpoints file applied');
}
