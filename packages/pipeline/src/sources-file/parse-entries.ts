import type { z } from 'zod';
import { describeEntry, SourcesFileError } from './error.js';
import { dottedPath, friendlyIssue, issuesToFieldErrors } from './issues.js';
import type { SourcesFile } from './types.js';

export type ParsedEntry<T> = T & { name: string; /** position in the file, for later messages */ index: number };

/**
 * Validates the entries of one provider with that provider's schema. The schema sees the
 * entry without `name` and `provider` (the loader owns those), so it can be a strict object.
 * The first problem becomes the error's one-line message, all of them its `errors`.
 */
export function parseSourceEntries<T extends object>(file: SourcesFile, provider: string, schema: z.ZodType<T>): Array<ParsedEntry<T>> {
  const out: Array<ParsedEntry<T>> = [];
  for (const entry of file.entries) {
    if (entry.provider !== provider) continue;
    const { name: _name, provider: _provider, ...fields } = entry.raw;
    const r = schema.safeParse(fields, { error: friendlyIssue });
    if (!r.success) {
      const issues = r.error.issues;
      const first = issues[0];
      const field = first ? dottedPath(first.path) : '';
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      throw new SourcesFileError(
        file.path,
        `${describeEntry(entry.index, entry.name)}: ${field === '' ? '' : `${field}: `}${first?.message ?? 'invalid'}${more}`,
        {
          errors: issuesToFieldErrors(issues, ['sources', entry.index]),
        },
      );
    }
    out.push({ ...r.data, name: entry.name, index: entry.index });
  }
  return out;
}
