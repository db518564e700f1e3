import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadSourcesFile } from '@hookstream/pipeline';
import { compileSources, sourcesRedactedHeaders } from './compile.js';
import { parseDelivery } from './delivery.js';
import { TempDir, thrown } from './test-support.js';

let tmp: TempDir | undefined;
afterEach(() => {
  tmp?.remove();
  tmp = undefined;
  vi.restoreAllMocks();
});

const head = 'sources:\n  - name: s\n    auth: { type: none }\n    eventType: { path: kind }\n    idempotencyKey: [body.id]\n';
const body = (v: unknown) => ({ rawBody: Buffer.from(JSON.stringify(v)), headers: {}, receivedAt: 1 });
const EXAMPLE = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'examples', 'sources.yaml');

describe('compileSource: schemas', () => {
  it('loads $ref files relative to the sources file, JSON or YAML, transitively, and keeps #/ refs working', () => {
    tmp = new TempDir();
    const [s] = tmp.compile(
      `${head}    types:\n      a: { schema: { $ref: "./schemas/a.json" } }\n      b: { schema: { $ref: "schemas/b.yaml#/$defs/b" } }\n      c: { schema: { $defs: { id: { type: integer } }, type: object, properties: { id: { $ref: "#/$defs/id" } } } }\n`,
      {
        'schemas/a.json': JSON.stringify({ type: 'object', required: ['id', 'who'], properties: { who: { $ref: 'common/person.json' } } }),
        'schemas/common/person.json': JSON.stringify({
          $defs: { name: { type: 'string', minLength: 1 } },
          type: 'object',
          required: ['name'],
          properties: { name: { $ref: '#/$defs/name' } },
        }),
        'schemas/b.yaml': '$defs:\n  b: { type: object, required: [flag], properties: { flag: { type: boolean } } }\n',
      },
    );
    const src = s as NonNullable<typeof s>;
    expect(
      parseDelivery(
        src,
        body([
          { kind: 'a', id: 1, who: { name: 'Ada' } },
          { kind: 'b', id: 2, flag: true },
          { kind: 'c', id: 3 },
        ]),
      ),
    ).toHaveLength(3);
    const err = thrown(() =>
      parseDelivery(
        src,
        body([
          { kind: 'a', id: 1, who: { name: '' } },
          { kind: 'b', id: 2, flag: 'yes' },
          { kind: 'c', id: 'x' },
        ]),
      ),
    );
    expect(err.errors).toEqual([
      { path: '/0/who/name', message: 'must NOT have fewer than 1 characters' },
      { path: '/1/flag', message: 'must be boolean' },
      { path: '/2/id', message: 'must be integer' },
    ]);
  });

  it('shares a $ref file between types and keeps sources apart', () => {
    tmp = new TempDir();
    const two = `${head}    types:\n      a: { schema: { $ref: "./x.json" } }\n      b: { schema: { $ref: "./x.json" } }\n`;
    const sources = tmp.compile(`${two}${two.replace('sources:\n', '').replace('name: s', 'name: t')}`, { 'x.json': '{"type":"object","required":["id"]}' });
    expect(sources.map((s) => s.eventTypes)).toEqual([
      ['a', 'b'],
      ['a', 'b'],
    ]);
  });

  it('supports formats (ajv-formats)', () => {
    tmp = new TempDir();
    const [s] = tmp.compile(`${head}    types:\n      a: { schema: { properties: { at: { type: string, format: date-time }, mail: { format: email } } } }\n`);
    const err = thrown(() => parseDelivery(s as NonNullable<typeof s>, body({ kind: 'a', id: 1, at: 'noon', mail: 'nobody' })));
    expect(err.errors).toEqual([
      { path: '/at', message: 'must match format "date-time"' },
      { path: '/mail', message: 'must match format "email"' },
    ]);
  });

  it('refuses an invalid schema at start-up, naming the source and the type', () => {
    tmp = new TempDir();
    expect(tmp.failure(`${head}    types:\n      a: { schema: { type: objekt } }\n`)).toMatch(
      /^SOURCES_FILE \.\/sources\.yaml: sources\[0\] "s": types\.a\.schema: schema is invalid: data\/type must be equal to one of the allowed values/,
    );
    expect(tmp.failure(`${head}    types:\n      a: { schema: { type: object, require: [id] } }\n`)).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "s": types.a.schema: strict mode: unknown keyword: "require"',
    );
    expect(tmp.failure(`${head}    types:\n      a: { schema: { $ref: "#/$defs/missing" } }\n`)).toMatch(
      /^SOURCES_FILE \.\/sources\.yaml: sources\[0\] "s": types\.a\.schema: can't resolve reference #\/\$defs\/missing/,
    );
  });

  it('refuses missing, unparsable, invalid and network $refs in one line', () => {
    tmp = new TempDir();
    const ref = (r: string) => `${head}    types:\n      a: { schema: { $ref: "${r}" } }\n`;
    expect(tmp.failure(ref('./nope.json'))).toMatch(
      /^SOURCES_FILE \.\/sources\.yaml: sources\[0\] "s": types\.a\.schema: \$ref "\.\/nope\.json": \.\/nope\.json: cannot read file: ENOENT/,
    );
    expect(tmp.failure(ref('./bad.json'), { 'bad.json': '{"type":' })).toMatch(
      /^SOURCES_FILE \.\/sources\.yaml: sources\[0\] "s": types\.a\.schema: \$ref "\.\/bad\.json": \.\/bad\.json: not valid JSON: /,
    );
    expect(tmp.failure(ref('./list.json'), { 'list.json': '[1]' })).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "s": types.a.schema: $ref "./list.json": ./list.json: expected a JSON Schema (a mapping)',
    );
    expect(tmp.failure(ref('./inv.json'), { 'inv.json': '{"minimum":"x"}' })).toMatch(
      /\$ref "\.\/inv\.json": \.\/inv\.json: schema is invalid: data\/minimum must be number/,
    );
    expect(tmp.failure(ref('https://example.com/s.json'))).toBe(
      'SOURCES_FILE ./sources.yaml: sources[0] "s": types.a.schema: $ref "https://example.com/s.json": only files (relative to the sources file) can be referenced',
    );
  });

  it('compiles every schema once, at start-up: parseDelivery never compiles', () => {
    tmp = new TempDir();
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    const [s] = tmp.compile(`${head}    types:\n      a: { schema: { type: object } }\n      b: { schema: { $ref: "./b.json" } }\n`, {
      'b.json': '{"type":"object"}',
    });
    expect(compile).toHaveBeenCalledTimes(2);
    for (let i = 0; i < 50; i++)
      parseDelivery(
        s as NonNullable<typeof s>,
        body([
          { kind: 'a', id: i },
          { kind: 'b', id: -i },
        ]),
      );
    expect(compile).toHaveBeenCalledTimes(2);
  });
});

describe('the example sources file', () => {
  it('loads and compiles, with the $ref to schemas/alert.json', () => {
    const sources = compileSources(loadSourcesFile(EXAMPLE));
    expect(sources.map((s) => [s.name, s.auth.type, s.eventTypes])).toEqual([
      ['notifications', 'api_key', ['notification', 'alert']],
      ['signed', 'standard_webhooks', ['notification.created', 'notification.deleted']],
    ]);
    const [notifications] = sources;
    const src = notifications as NonNullable<typeof notifications>;
    const ok = { event_id: 7, timestamp: '2026-01-01T12:00:00Z', event_type: 'alert', description: 'disk full' };
    expect(src.verify({ headers: { 'x-api-key': 'dev-notifications-key-0001' }, rawBody: Buffer.from('{}'), nowMs: 0 }).ok).toBe(true);
    expect(parseDelivery(src, body(ok))).toMatchObject([{ type: 'alert', idempotencyKey: '7', occurredAt: Date.UTC(2026, 0, 1, 12) }]);
    expect(thrown(() => parseDelivery(src, body({ ...ok, description: undefined }))).errors).toEqual([{ path: '/description', message: 'is required' }]);
  });
});

describe('sourcesRedactedHeaders', () => {
  it('names every source credential header without compiling a schema, the same as the compiled sources say', () => {
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    const file = loadSourcesFile(EXAMPLE);
    const headers = sourcesRedactedHeaders(file);
    expect(compile).not.toHaveBeenCalled();
    expect(headers).toEqual(expect.arrayContaining(['x-api-key', 'webhook-signature', 'authorization']));
    expect(new Set(headers)).toEqual(new Set(compileSources(file).flatMap((s) => s.redactedHeaders)));
    // The spy does see compilation: compileSources compiled every type.
    expect(compile).toHaveBeenCalled();
  });
});
