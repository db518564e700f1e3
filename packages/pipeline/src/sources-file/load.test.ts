import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '@hookstream/core';
import { loadSourcesFile } from './load.js';
import { SourcesFileError } from './error.js';
import { tempDir } from './test-files.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.remove());

/** The error loadSourcesFile throws for `text` written to `name`. */
function failure(text: string, name = 'sources.yaml'): SourcesFileError {
  tmp = tempDir();
  const path = tmp.write(name, text);
  try {
    loadSourcesFile(path);
  } catch (err) {
    if (err instanceof SourcesFileError) return err;
    throw err;
  }
  throw new Error('expected loadSourcesFile to throw');
}

const messageOf = (text: string, name = 'sources.yaml') => {
  const err = failure(text, name);
  return err.message.replaceAll(tmp.dir, '<dir>');
};

describe('loadSourcesFile', () => {
  it('reads YAML entries with their index, name, provider (default "sources") and raw fields', () => {
    tmp = tempDir();
    const path = tmp.write(
      'sources.yaml',
      `
sources:
  - name: alerts
    auth: { type: none }
  - name: alerts
    provider: crm
    apiKey: x
  - name: geo_1
    provider: location
`,
    );
    const file = loadSourcesFile(path);
    expect(file.path).toBe(path);
    expect(file.dir).toBe(tmp.dir);
    expect(file.entries).toEqual([
      { index: 0, name: 'alerts', provider: 'sources', raw: { name: 'alerts', auth: { type: 'none' } } },
      { index: 1, name: 'alerts', provider: 'crm', raw: { name: 'alerts', provider: 'crm', apiKey: 'x' } },
      { index: 2, name: 'geo_1', provider: 'location', raw: { name: 'geo_1', provider: 'location' } },
    ]);
  });

  it('reads JSON by extension, and YAML anchors and x-* fields', () => {
    tmp = tempDir();
    const json = tmp.write('sources.json', JSON.stringify({ sources: [{ name: 'a', auth: { type: 'none' } }] }));
    expect(loadSourcesFile(json).entries.map((e) => e.name)).toEqual(['a']);
    const yaml = tmp.write(
      'anchors.yml',
      `
x-auth: &auth { type: api_key, keys: [k1-at-least-16-chars] }
sources:
  - { name: a, auth: *auth }
  - { name: b, auth: *auth }
`,
    );
    expect(loadSourcesFile(yaml).entries.map((e) => e.raw.auth)).toEqual([
      { type: 'api_key', keys: ['k1-at-least-16-chars'] },
      { type: 'api_key', keys: ['k1-at-least-16-chars'] },
    ]);
    expect(loadSourcesFile(tmp.write('empty.yaml', 'sources: []\n')).entries).toEqual([]);
  });

  it('is a SourcesFileError, an AppError with code SOURCES_FILE_INVALID and per-field errors', () => {
    const err = failure('sources:\n  - name: Bad Name\n');
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('SOURCES_FILE_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.errors).toEqual([{ path: '/sources/0/name', message: expect.stringContaining('name: must be') as unknown }]);
  });

  it('refuses bad names, missing names and duplicates within one provider, in one line', () => {
    expect(messageOf('sources:\n  - name: Bad Name\n')).toBe(
      'SOURCES_FILE <dir>/sources.yaml: sources[0]: name: must be 1-63 lower-case letters, digits, _ or - starting with a letter or digit, got "Bad Name"',
    );
    expect(messageOf('sources:\n  - auth: { type: none }\n')).toBe('SOURCES_FILE <dir>/sources.yaml: sources[0]: name: is required');
    expect(messageOf(`sources:\n  - name: ${'a'.repeat(64)}\n`)).toMatch(/sources\[0\]: name: must be/);
    expect(messageOf('sources:\n  - name: 7\n')).toMatch(/sources\[0\]: name: must be .*, got 7$/);
    expect(messageOf('sources:\n  - name: a\n  - name: b\n  - name: a\n')).toBe(
      'SOURCES_FILE <dir>/sources.yaml: sources[2] "a": name: already used by sources[0] (provider "sources")',
    );
    expect(messageOf('sources:\n  - name: a\n    provider: Bad\n')).toMatch(/sources\[0\] "a": provider: must be a provider name/);
  });

  it('refuses a file of the wrong shape', () => {
    expect(messageOf('')).toBe('SOURCES_FILE <dir>/sources.yaml: expected a mapping with a "sources" list at the top, got null');
    expect(messageOf('- name: a\n')).toMatch(/expected a mapping with a "sources" list at the top, got a list$/);
    expect(messageOf('source: []\n')).toMatch(/: unknown top-level field "source" \(expected "sources"\)$/);
    expect(messageOf('x-note: hi\n')).toMatch(/: sources: is required$/);
    expect(messageOf('sources: { name: a }\n')).toMatch(/: sources: expected a list, got a mapping$/);
    expect(messageOf('sources: [ 5 ]\n')).toMatch(/: sources\[0\]: expected a mapping, got number$/);
  });

  it('reports an unreadable file and syntax errors in one line, with the YAML line number', () => {
    tmp = tempDir();
    expect(() => loadSourcesFile(`${tmp.dir}/missing.yaml`)).toThrow(/^SOURCES_FILE .*missing\.yaml: cannot read file: ENOENT: no such file or directory/);
    const yaml = messageOf('sources:\n  - name: a\n    auth: { type: none\n');
    expect(yaml).toMatch(/^SOURCES_FILE <dir>\/sources\.yaml: not valid YAML: line \d+, column \d+: \w/);
    expect(yaml).not.toContain('\n');
    expect(messageOf('sources:\n  - name: a\n    name: b\n')).toMatch(/: not valid YAML: line 3, column 5: Map keys must be unique$/);
    const json = messageOf('{"sources": [ { "name": "a" } ', 'sources.json');
    expect(json).toMatch(/^SOURCES_FILE <dir>\/sources\.json: not valid JSON: .*line 1/);
    expect(json).not.toContain('\n');
  });

  it('refuses YAML alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 6 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
      'sources: []',
    ].join('\n');
    expect(messageOf(bomb)).toMatch(/not valid YAML: .*alias/i);
  });
});
