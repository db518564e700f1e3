import { HttpError } from '@hookstream/pipeline';
import { describe, expect, it } from 'vitest';
import { createBearerCheck } from './auth.js';
import { ConfigError, loadEventsApiConfig } from './config.js';
import { narrowToScope, parseTokenEntries, readScope } from './scope.js';

const A = 'tok_aaaaaaaaaaaaaaaa';
const B = 'tok_bbbbbbbbbbbbbbbb';
const C = 'tok_cccccccccccccccc';
const base = { DATABASE_URL: 'mysql://u:pw@127.0.0.1:3306/hookstream', PROVIDERS: 'hubspot,sources' };

function configError(env: Record<string, string>): string {
  try {
    loadEventsApiConfig({ ...base, ...env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('EVENTS_API_TOKENS scopes', () => {
  it('keeps the entries as written and reads each scope from them', () => {
    const raw = ` ${A} , ${B}@providers=sources+sources , ${C}@portals=62516+62515+62516,${B}@providers=sources`;
    const c = loadEventsApiConfig({ ...base, EVENTS_API_TOKENS: raw });
    expect(c.EVENTS_API_TOKENS).toEqual([A, `${B}@providers=sources+sources`, `${C}@portals=62516+62515+62516`, `${B}@providers=sources`]);
    expect(parseTokenEntries(c.EVENTS_API_TOKENS)).toEqual({
      entries: [
        { token: A, scope: {} },
        { token: B, scope: { providers: ['sources'] } },
        // portals= alone reads HubSpot only.
        { token: C, scope: { providers: ['hubspot'], tenants: { hubspot: ['62516', '62515'] } } },
        { token: B, scope: { providers: ['sources'] } },
      ],
    });
    expect(parseTokenEntries([`${A}@portals=1@providers=sources+hubspot`])).toEqual({
      entries: [{ token: A, scope: { providers: ['sources', 'hubspot'], tenants: { hubspot: ['1'] } } }],
    });
  });

  it.each([
    [`${A}@`, 'entry 1: empty scope clause after @'],
    [`${A},${B}@providers=`, 'entry 2: providers= takes lower-case provider names joined by +'],
    [`${A}@providers=HubSpot`, 'entry 1: providers= takes lower-case provider names joined by +'],
    [`${A}@providers=hubspot+`, 'entry 1: providers= takes lower-case provider names joined by +'],
    [`${A}@providers=hubspot@providers=sources`, 'entry 1: providers= given twice'],
    [`${A}@portals=1@portals=2`, 'entry 1: portals= given twice'],
    [`${A}@portals=0`, 'entry 1: portals= takes HubSpot portal ids (positive integers) joined by +'],
    [`${A}@portals=062515`, 'entry 1: portals= takes HubSpot portal ids (positive integers) joined by +'],
    [`${A}@portals=`, 'entry 1: portals= takes HubSpot portal ids (positive integers) joined by +'],
    [`${A}@providers=hubspot;portals=1`, 'entry 1: scope clauses are joined with @ (token@providers=…@portals=…), not ; or &'],
    [`${A}@portal=1`, 'entry 1: a scope clause is providers= or portals=, and tokens cannot contain @'],
    [`${A}@secret-looking-rest`, 'entry 1: a scope clause is providers= or portals=, and tokens cannot contain @'],
    [`${A}@providers=sources@portals=1`, 'entry 1: portals= restricts hubspot, which providers= leaves out'],
    [`short-secret@providers=sources`, 'entry 1: the token before @ must be at least 16 characters (tokens cannot contain @)'],
    [`${A}@providers=sources,${A}`, 'entries 1 and 2 are the same token with different scopes'],
    [`${A},${B}@portals=1,${C},${B}@portals=2`, 'entries 2 and 4 are the same token with different scopes'],
    [`${A}@providers=hubpsot`, 'entry 1: providers= names a provider PROVIDERS does not list (hubspot, sources)'],
    // Today's messages for entries without a scope are unchanged.
    [`${A},short-secret`, 'each token must be at least 16 characters'],
    [' , ', 'required (comma-separated bearer tokens)'],
  ])('refuses %j with one line naming the setting', (tokens, why) => {
    const message = configError({ EVENTS_API_TOKENS: tokens });
    expect(message).toBe(`EVENTS_API_TOKENS: ${why}`);
    // Never a token, nor text after an @ that may have been part of one.
    for (const secret of [A, B, C, 'short-secret', 'secret-looking-rest', 'hubpsot']) expect(message).not.toContain(secret);
  });

  it('checks scoped providers against PROVIDERS, portals= against hubspot being hosted', () => {
    expect(configError({ PROVIDERS: 'hubspot', EVENTS_API_TOKENS: `${A}@providers=sources` })).toBe(
      'EVENTS_API_TOKENS: entry 1: providers= names a provider PROVIDERS does not list (hubspot)',
    );
    expect(configError({ PROVIDERS: 'sources', EVENTS_API_TOKENS: `${A},${B}@portals=1` })).toBe(
      'EVENTS_API_TOKENS: entry 2: providers= names a provider PROVIDERS does not list (sources)',
    );
  });
});

describe('readScope', () => {
  it('is everything for an unscoped token', () => {
    const s = readScope({});
    expect(s.providers).toBeUndefined();
    expect(s.tenants('hubspot')).toBeUndefined();
  });

  it('lists the providers, and per provider its tenants (none outside the scope)', () => {
    const s = readScope({ providers: ['hubspot', 'sources'], tenants: { hubspot: ['1', '2'] } });
    expect(s.providers).toEqual(['hubspot', 'sources']);
    expect(s.tenants('hubspot')).toEqual(['1', '2']);
    expect(s.tenants('sources')).toBeUndefined();
    expect(s.tenants('toy')).toEqual([]);
    expect(s.tenants('__proto__')).toEqual([]);
    expect(readScope({ providers: ['sources'] }).tenants('constructor')).toEqual([]);
  });
});

describe('narrowToScope', () => {
  type Filter = { provider?: string; tenant?: string; type?: string };
  const narrow = (f: Filter, scope: ReturnType<typeof readScope>): Filter => narrowToScope(f, scope);
  const refused = (f: () => unknown): { status: number; code: string; message: string } => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      const err = e as HttpError;
      return { status: err.statusCode, code: err.code, message: err.message };
    }
    throw new Error('expected a refusal');
  };
  const all = readScope({});
  const sources = readScope({ providers: ['sources'] });
  const portal = readScope({ providers: ['hubspot'], tenants: { hubspot: ['100'] } });
  const portals = readScope({ providers: ['hubspot'], tenants: { hubspot: ['100', '101'] } });
  const mixed = readScope({ providers: ['hubspot', 'sources'], tenants: { hubspot: ['100'] } });

  it('leaves an unscoped filter alone', () => {
    expect(narrow({}, all)).toEqual({});
    expect(narrow({ provider: 'toy', tenant: 'x', type: 't' }, all)).toEqual({ provider: 'toy', tenant: 'x', type: 't' });
  });

  it('implies the one provider and the one tenant a scope has', () => {
    expect(narrow({ type: 't' }, sources)).toEqual({ type: 't', provider: 'sources' });
    expect(narrow({ tenant: 'acme' }, sources)).toEqual({ tenant: 'acme', provider: 'sources' });
    expect(narrow({}, portal)).toEqual({ provider: 'hubspot', tenant: '100' });
    expect(narrow({ provider: 'hubspot', tenant: '100' }, portal)).toEqual({ provider: 'hubspot', tenant: '100' });
    expect(narrow({ provider: 'sources' }, mixed)).toEqual({ provider: 'sources' });
    expect(narrow({ provider: 'hubspot' }, mixed)).toEqual({ provider: 'hubspot', tenant: '100' });
    expect(narrow({ tenant: '101' }, portals)).toEqual({ provider: 'hubspot', tenant: '101' });
  });

  it('refuses (403) a provider or tenant outside the scope', () => {
    expect(refused(() => narrow({ provider: 'hubspot' }, sources))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'this token may not read provider hubspot',
    });
    expect(refused(() => narrow({ provider: 'sources' }, portal))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'this token may not read provider sources',
    });
    expect(refused(() => narrow({ tenant: '101' }, portal))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'this token may not read tenant 101 of hubspot',
    });
    expect(refused(() => narrow({ provider: 'hubspot', tenant: '102' }, mixed)).status).toBe(403);
  });

  it('asks (400) for a provider or tenant when the scope has several', () => {
    expect(refused(() => narrow({}, mixed))).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: 'provider: required: this token may read hubspot, sources; name one',
    });
    expect(refused(() => narrow({ type: 't' }, portals))).toEqual({
      status: 400,
      code: 'BAD_REQUEST',
      message: "tenant: required: this token may read hubspot tenants 100, 101; name one (tenant=, or hubspot's own parameter for it)",
    });
  });
});

describe('createBearerCheck', () => {
  it('answers the scope of the token that matched, or undefined', () => {
    const check = createBearerCheck([
      { token: A, value: 'all' },
      { token: B, value: 'sources' },
    ]);
    expect(check(`Bearer ${A}`)).toBe('all');
    expect(check(`bearer ${B}`)).toBe('sources');
    expect(check(`Bearer ${B}@providers=sources`)).toBeUndefined();
    expect(check(`Bearer ${C}`)).toBeUndefined();
    expect(check(undefined)).toBeUndefined();
    expect(check(B)).toBeUndefined();
  });
});
