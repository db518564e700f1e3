import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EdgeSchema, ProcessorSchema } from '@hookstream/config';
import { CrmSettingsSchema } from '@hookstream/crm';
import { DispatcherSchema } from '@hookstream/dispatcher';
import { loadEventsApiConfig } from '@hookstream/events-api';
import { HubSpotEdgeSchema, HubSpotProcessorSchema, SubscriptionsCliSchema } from '@hookstream/hubspot';
import { LocationSettingsSchema } from '@hookstream/location';
import { SourcesSettingsSchema } from '@hookstream/sources';

/*
 * .env.example is the one list of settings: every name the code reads must be in it, and every
 * name in it must be one the code knows. The names are found in the source, not in a list kept
 * here, so a setting added anywhere (a provider's schema, a script's env read) fails this test
 * until it gets its line.
 */

/** What the defaults check needs of a zod schema (zod itself is not a dependency of the root). */
interface Field {
  safeParse(value: unknown): { success: boolean; data?: unknown };
}
interface ObjectSchema {
  shape: Record<string, Field>;
}

const self = fileURLToPath(import.meta.url);
const root = dirname(dirname(self));

/** Variables of the operating system and third-party tools the code consults; not Hookstream settings. */
const NOT_SETTINGS = new Set(['PATH', 'HOME', 'JAVA_HOME', 'JAVA_TOOL_OPTIONS', 'XDG_RUNTIME_DIR', 'DOCKER_HOST', 'TESTCONTAINERS_HOST_OVERRIDE']);

/** Where settings are read: every package, service, script and the tests' support code (not test files). */
const SOURCE_DIRS = ['packages', 'services', 'scripts', 'test'];

function sourceFiles(withTests = false): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs)$/.test(p) && (withTests || !/\.test\.ts$/.test(p))) out.push(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(join(root, d));
  // This file names settings in its checks and comments; it must not count as code reading them.
  return out.filter((p) => p !== self);
}

const NAME = '[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*';

/**
 * Names the code reads, each with the first file it was seen in:
 * - keys of zod objects (`KEY: …` in a file that imports zod): every service's settings schema;
 * - `env.KEY`, `env?.KEY`, `env['KEY']`, `process.env.KEY` anywhere;
 * - names handed to an env helper, like `envJson('BENCH_EDGE_ENV')` or `value(env, 'OTEL_…')`;
 * - `${KEY…}` interpolations of docker-compose.yml;
 * - in test files, only `process.env.KEY ??` / `||`: a knob with a default (FAULT_SEED), not the
 *   variables tests set for themselves.
 */
function settingsRead(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (name: string, file: string): void => {
    if (!NOT_SETTINGS.has(name) && !found.has(name)) found.set(name, relative(root, file));
  };
  const reads = new RegExp(`\\benv\\??(?:\\.(${NAME})\\b|\\[\\s*['"](${NAME})['"]\\s*\\])`, 'g');
  const helper = new RegExp(`\\b\\w*[eE]nv\\w*\\(\\s*['"](${NAME})['"]`, 'g');
  const envArgument = new RegExp(`\\(\\s*env\\s*,\\s*['"](${NAME})['"]`, 'g');
  const zodKey = new RegExp(`^\\s+(${NAME}):`, 'gm');
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(reads)) add((m[1] ?? m[2]) as string, file);
    for (const m of text.matchAll(helper)) add(m[1] as string, file);
    for (const m of text.matchAll(envArgument)) add(m[1] as string, file);
    if (/from ['"]zod['"]/.test(text)) for (const m of text.matchAll(zodKey)) add(m[1] as string, file);
  }
  const knob = new RegExp(`\\bprocess\\.env(?:\\.(${NAME})|\\[['"](${NAME})['"]\\])\\s*(?:\\?\\?|\\|\\|)`, 'g');
  for (const file of sourceFiles(true).filter((f) => f.endsWith('.test.ts')))
    for (const m of readFileSync(file, 'utf8').matchAll(knob)) add((m[1] ?? m[2]) as string, file);
  const compose = join(root, 'docker-compose.yml');
  for (const m of readFileSync(compose, 'utf8').matchAll(new RegExp(`\\$\\{(${NAME})`, 'g'))) add(m[1] as string, compose);
  return found;
}

/** Every name the source mentions as a whole word (comments included): what the code knows of. */
function namesMentioned(): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(true)) for (const m of readFileSync(file, 'utf8').matchAll(new RegExp(`\\b${NAME}\\b`, 'g'))) names.add(m[0]);
  return names;
}

interface Line {
  key: string;
  value: string;
  lineNo: number;
  comment: string | undefined;
}

function parseExample(): { lines: Line[]; malformed: string[] } {
  const text = readFileSync(join(root, '.env.example'), 'utf8');
  const lines: Line[] = [];
  const malformed: string[] = [];
  let previous = '';
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    const m = new RegExp(`^(${NAME})=(.*)$`).exec(line);
    if (m) {
      const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
      lines.push({ key: m[1] as string, value, lineNo: i + 1, comment: previous.startsWith('#') ? previous : undefined });
    } else if (line !== '' && !line.startsWith('#')) malformed.push(`line ${i + 1}: ${line}`);
    previous = line;
  });
  return { lines, malformed };
}

const example = parseExample();
const keys = new Set(example.lines.map((l) => l.key));

describe('.env.example', () => {
  it('has only comments, blank lines and KEY=value lines, each key once and under a comment', () => {
    expect(example.malformed).toEqual([]);
    const counts = new Map<string, number>();
    for (const l of example.lines) counts.set(l.key, (counts.get(l.key) ?? 0) + 1);
    expect([...counts].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([]);
    expect(example.lines.filter((l) => l.comment === undefined).map((l) => `${l.key} (line ${l.lineNo})`)).toEqual([]);
  });

  it('lists every setting the code reads', () => {
    const read = settingsRead();
    // Sanity: the scan finds the settings of each kind of reader, so an empty scan cannot pass.
    for (const k of ['KAFKA_BROKERS', 'HUBSPOT_CLIENT_SECRET', 'ARCHIVE_BACKEND', 'FLEET_PROCESSORS', 'PROCESSOR_REPLICAS', 'BENCH_EDGE_ENV', 'FAULT_SEED'])
      expect(read.has(k), `scan found ${k}`).toBe(true);
    const missing = [...read].filter(([k]) => !keys.has(k)).map(([k, file]) => `${k} (read in ${file})`);
    expect(missing, 'add these to .env.example with a one-line comment and their default').toEqual([]);
  });

  it('names only settings the code knows', () => {
    // Read names, plus names the source mentions: a setting a library reads itself (an SDK's
    // own variables) is named in the code that configures that library.
    const known = new Set([...settingsRead().keys(), ...namesMentioned()]);
    expect(example.lines.filter((l) => !known.has(l.key)).map((l) => l.key)).toEqual([]);
  });

  it('gives the default each service schema has', () => {
    // Schemas whose defaults are the services' (the CLI's log level differs on purpose and
    // per-service values are left empty in the file, so empty lines are not compared).
    const schemas: Record<string, ObjectSchema> = {
      EdgeSchema,
      ProcessorSchema,
      DispatcherSchema,
      HubSpotEdgeSchema,
      HubSpotProcessorSchema,
      SubscriptionsCliSchema,
      SourcesSettingsSchema,
      CrmSettingsSchema,
      LocationSettingsSchema,
    };
    const wrong: string[] = [];
    let compared = 0;
    for (const l of example.lines) {
      if (l.value === '') continue;
      for (const [name, schema] of Object.entries(schemas)) {
        const field = schema.shape[l.key];
        if (!field) continue;
        const dflt = field.safeParse(undefined);
        if (!dflt.success || dflt.data === undefined) continue;
        const given = field.safeParse(l.value);
        compared++;
        if (!given.success || JSON.stringify(given.data) !== JSON.stringify(dflt.data))
          wrong.push(`${l.key}=${l.value}: ${name}'s default is ${JSON.stringify(dflt.data)}`);
      }
    }
    expect(compared).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });

  it('gives events-api the defaults it has', () => {
    // events-api's schema is not exported: compare its parsed settings with and without the
    // file's values (the required ones given alike to both).
    const required = { DATABASE_URL: 'mysql://root:@127.0.0.1:3306/hookstream', EVENTS_API_TOKENS: 'reader-token-0123456789' };
    const given = Object.fromEntries(example.lines.filter((l) => l.value !== '').map((l) => [l.key, l.value]));
    const withDefaults: Record<string, unknown> = loadEventsApiConfig(required);
    const withFile: Record<string, unknown> = loadEventsApiConfig({ ...given, ...required });
    const compared = Object.keys(withDefaults).filter((k) => k in given);
    expect(compared.length).toBeGreaterThan(5);
    expect(compared.filter((k) => JSON.stringify(withFile[k]) !== JSON.stringify(withDefaults[k]))).toEqual([]);
  });

  it('leaves required settings empty', () => {
    const required = ['KAFKA_BROKERS', 'DATABASE_URL', 'EVENTS_API_TOKENS', 'HUBSPOT_CLIENT_SECRET', 'SOURCES_FILE', 'HUBSPOT_DEVELOPER_API_KEY'];
    expect(example.lines.filter((l) => required.includes(l.key) && l.value !== '').map((l) => l.key)).toEqual([]);
  });
});
