import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { authConfigSchema } from '../auth/schema.js';
import { loadSourcesFile } from './load.js';
import { parseSourceEntries } from './parse-entries.js';
import { SourcesFileError } from './error.js';
import { tempDir } from './test-files.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.remove());

const schema = z.strictObject({ auth: authConfigSchema, maxEvents: z.number().int().positive().optional() });

function parse(yaml: string, provider = 'sources') {
  tmp = tempDir();
  return parseSourceEntries(loadSourcesFile(tmp.write('sources.yaml', yaml)), provider, schema);
}

function messageOf(yaml: string): string {
  try {
    parse(yaml);
  } catch (err) {
    if (err instanceof SourcesFileError) return err.message.replace(tmp.dir, '.');
    throw err;
  }
  throw new Error('expected parseSourceEntries to throw');
}

describe('parseSourceEntries', () => {
  it("validates only the given provider's entries, without name and provider, and adds name and index", () => {
    const parsed = parse(`
sources:
  - name: crm-one
    provider: crm
    whatever: 1
  - name: alerts
    auth: { type: api_key, keys: [k1-at-least-16-chars] }
`);
    expect(parsed).toEqual([{ name: 'alerts', index: 1, auth: { type: 'api_key', header: 'x-api-key', keys: ['k1-at-least-16-chars'] } }]);
    expect(parse('sources:\n  - { name: a, provider: crm }\n', 'location')).toEqual([]);
  });

  it('names the file, the source and the field in one line', () => {
    expect(
      messageOf(`
sources:
  - { name: ok, auth: { type: none } }
  - { name: other, auth: { type: none } }
  - name: alerts
    auth: { type: api_key, keys: [short] }
`),
    ).toBe('SOURCES_FILE ./sources.yaml: sources[2] "alerts": auth.keys.0: must be at least 16 characters');
  });

  it('words the issues a schema leaves to zod, and counts the rest', () => {
    expect(messageOf('sources:\n  - { name: a }\n')).toBe('SOURCES_FILE ./sources.yaml: sources[0] "a": auth: is required');
    expect(messageOf('sources:\n  - { name: a, auth: { type: none }, maxEvent: 3 }\n')).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "a": unknown field "maxEvent"',
    );
    expect(messageOf('sources:\n  - { name: a, auth: { type: none }, maxEvents: "3" }\n')).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "a": maxEvents: expected a number, got string',
    );
    expect(messageOf('sources:\n  - { name: a, auth: { type: none }, maxEvents: 0 }\n')).toMatch(/maxEvents: must be /);
    expect(messageOf('sources:\n  - { name: a, auth: { type: hmac, secret: x } }\n')).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "a": auth.header: is required (and 1 more)',
    );
  });

  it('lists every problem as a JSON pointer into the file', () => {
    let err: unknown;
    try {
      parse('sources:\n  - { name: a, auth: { type: hmac, secret: x } }\n');
    } catch (e) {
      err = e;
    }
    expect((err as SourcesFileError).errors).toEqual([
      { path: '/sources/0/auth/header', message: 'is required' },
      { path: '/sources/0/auth/secret', message: 'must be at least 16 characters' },
    ]);
  });
});
