import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '@hookstream/core';
import { generateSecret } from '@hookstream/deliveries';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEndpointsFile } from './endpoints-file.js';

const dir = mkdtempSync(join(tmpdir(), 'hookstream-endpoints-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, text);
  return path;
}
const json = (doc: unknown): string => file('endpoints.json', JSON.stringify(doc));

const SECRET = generateSecret();
const OTHER = generateSecret();

/** The error a load throws: always the file's AppError, on one line. */
function failure(path: string, env: NodeJS.ProcessEnv = {}): AppError {
  let err: unknown;
  try {
    loadEndpointsFile(path, env);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  const e = err as AppError;
  expect(e.code).toBe('ENDPOINTS_FILE_INVALID');
  expect(e.retryable).toBe(false);
  expect(e.message.startsWith(`ENDPOINTS_FILE ${path}: `)).toBe(true);
  expect(e.message).not.toContain('\n');
  return e;
}

describe('loadEndpointsFile: valid files', () => {
  it('reads a YAML file into entries with the API defaults', () => {
    const path = file(
      'endpoints.yaml',
      `endpoints:
  - id: ep_orders
    url: https://orders.example.com/hook
    secret: ${SECRET}
    description: orders system
    filter:
      providers: [hubspot]
      types: ["deal.*"]
      match:
        $.data.stage: [won, lost]
    rateLimitPerSecond: 20
    ordered: true
  - id: ep_crm-sync_2
    url: https://crm.example.com/in
    secretEnv: CRM_SECRET
`,
    );
    expect(loadEndpointsFile(path, { CRM_SECRET: OTHER })).toEqual([
      {
        id: 'ep_orders',
        secret: SECRET,
        input: {
          url: 'https://orders.example.com/hook',
          description: 'orders system',
          filter: { providers: ['hubspot'], types: ['deal.*'], match: { '$.data.stage': ['won', 'lost'] } },
          rateLimitPerSecond: 20,
          maxInFlight: null,
          ordered: true,
          enabled: true,
        },
      },
      {
        id: 'ep_crm-sync_2',
        secret: OTHER,
        input: { url: 'https://crm.example.com/in', description: '', filter: {}, rateLimitPerSecond: null, maxInFlight: null, ordered: false, enabled: true },
      },
    ]);
  });

  it('reads a JSON file', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a.example.com', secret: SECRET, enabled: false }] });
    const entries = loadEndpointsFile(path, {});
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: 'ep_a', secret: SECRET, input: { url: 'https://a.example.com', enabled: false } });
  });

  it('an empty list declares no endpoints', () => {
    expect(loadEndpointsFile(file('empty.yaml', 'endpoints: []\n'), {})).toEqual([]);
  });

  it('reads secretEnv from the env argument, not from process.env', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a.example.com', secretEnv: 'HOOKSTREAM_TEST_ONLY_SECRET' }] });
    process.env.HOOKSTREAM_TEST_ONLY_SECRET = OTHER;
    try {
      expect(loadEndpointsFile(path, { HOOKSTREAM_TEST_ONLY_SECRET: SECRET })[0]?.secret).toBe(SECRET);
      expect(failure(path, {}).message).toContain('endpoints[0] "ep_a": give secret');
    } finally {
      delete process.env.HOOKSTREAM_TEST_ONLY_SECRET;
    }
  });
});

describe('loadEndpointsFile: one-line errors naming the entry and the field', () => {
  it.each([
    ['no endpoints key', { sources: [] }],
    ['endpoints is not a list', { endpoints: { id: 'ep_a' } }],
    ['a bare list', [{ id: 'ep_a' }]],
    ['null', null],
  ])('the list is missing: %s', (_what, doc) => {
    expect(failure(json(doc)).message).toMatch(/expected a mapping with an "endpoints" list at the top$/);
  });

  it('an empty YAML file has no list', () => {
    expect(failure(file('blank.yaml', '')).message).toContain('"endpoints" list');
  });

  it('a file that cannot be read or parsed names the file once', () => {
    const missing = join(dir, 'does-not-exist.yaml');
    const e = failure(missing);
    expect(e.message).toContain('cannot read file');
    expect(e.message).not.toContain('SOURCES_FILE');
    const broken = file('broken.json', '{"endpoints": [');
    expect(failure(broken).message).toContain('not valid JSON');
  });

  it.each(['orders', 'ep_Orders', 'ep_', 'ep_a.b', `ep_${'a'.repeat(37)}`])('a bad id %j', (id) => {
    const path = json({
      endpoints: [
        { id: 'ep_ok', url: 'https://a', secret: SECRET },
        { id, url: 'https://b', secret: SECRET },
      ],
    });
    expect(failure(path).message).toBe(`ENDPOINTS_FILE ${path}: endpoints[1] ${JSON.stringify(id)}: id: must be ep_ followed by 1-36 of a-z, 0-9, _ or -`);
  });

  it('a missing id names the index only', () => {
    const path = json({ endpoints: [{ url: 'https://a', secret: SECRET }] });
    expect(failure(path).message).toMatch(new RegExp(`^ENDPOINTS_FILE ${path}: endpoints\\[0\\]: id: `));
  });

  it('a duplicate id', () => {
    const path = json({
      endpoints: [
        { id: 'ep_a', url: 'https://a', secret: SECRET },
        { id: 'ep_b', url: 'https://b', secret: SECRET },
        { id: 'ep_a', url: 'https://c', secret: OTHER },
      ],
    });
    expect(failure(path).message).toBe(`ENDPOINTS_FILE ${path}: endpoints[2] "ep_a": id is declared twice`);
  });

  it('no secret at all, or secretEnv naming an unset or empty variable', () => {
    const none = json({ endpoints: [{ id: 'ep_a', url: 'https://a' }] });
    expect(failure(none).message).toBe(`ENDPOINTS_FILE ${none}: endpoints[0] "ep_a": give secret (whsec_…) or secretEnv naming a set environment variable`);
    const unset = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secretEnv: 'NOT_SET_ANYWHERE' }] });
    expect(failure(unset, {}).message).toContain('endpoints[0] "ep_a": give secret');
    expect(failure(unset, { NOT_SET_ANYWHERE: '' }).message).toContain('endpoints[0] "ep_a": give secret');
  });

  it('a secretEnv that is not an environment variable name', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secretEnv: 'lower-case' }] });
    expect(failure(path, { 'lower-case': SECRET }).message).toMatch(/endpoints\[0\] "ep_a": secretEnv: /);
  });

  it.each([
    ['no whsec_ prefix', 'c2VjcmV0LXNlY3JldC1zZWNyZXQ='],
    ['not base64', 'whsec_not*base64!'],
    ['too short', `whsec_${Buffer.from('short').toString('base64')}`],
  ])('a bad secret (%s) is named without echoing it', (_what, secret) => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secret }] });
    const e = failure(path);
    expect(e.message).toMatch(/^ENDPOINTS_FILE .*: endpoints\[0\] "ep_a": signing secret must /);
    expect(e.message).not.toContain(secret);
  });

  it('a bad secret from secretEnv is refused too', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secretEnv: 'BAD_SECRET' }] });
    expect(failure(path, { BAD_SECRET: 'plaintext-password' }).message).toMatch(/endpoints\[0\] "ep_a": signing secret must start with "whsec_"/);
  });

  it('an unknown field', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secret: SECRET, retries: 3 }] });
    const e = failure(path);
    expect(e.message).toMatch(/^ENDPOINTS_FILE .*: endpoints\[0\] "ep_a": /);
    expect(e.message).toContain('"retries"');
  });

  it('an unknown field inside the filter names the filter', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secret: SECRET, filter: { provider: ['hubspot'] } }] });
    const e = failure(path);
    expect(e.message).toMatch(/endpoints\[0\] "ep_a": filter: /);
    expect(e.message).toContain('"provider"');
  });

  it('a wrongly typed field', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secret: SECRET, rateLimitPerSecond: 'fast' }] });
    expect(failure(path).message).toMatch(/endpoints\[0\] "ep_a": rateLimitPerSecond: /);
  });

  it('a bad filter path names the entry and the path', () => {
    const path = json({ endpoints: [{ id: 'ep_a', url: 'https://a', secret: SECRET, filter: { match: { 'data..status': 'open' } } }] });
    const e = failure(path);
    expect(e.message).toMatch(/^ENDPOINTS_FILE .*: endpoints\[0\] "ep_a": /);
    expect(e.message).toContain('filter');
    // "One-line errors name the entry and field": the field here is the offending match path.
    expect(e.message).toContain('data..status');
  });

  it('stops at the first bad entry, naming its index', () => {
    const path = json({
      endpoints: [
        { id: 'ep_a', url: 'https://a', secret: SECRET },
        { id: 'ep_b', url: 'https://b' },
        { id: 'ep_c', url: 'https://c', secret: 'bad' },
      ],
    });
    expect(failure(path).message).toContain('endpoints[1] "ep_b"');
  });
});
