import { badRequest, forbidden, type ReadScope } from '@hookstream/pipeline';

/**
 * What one EVENTS_API_TOKENS entry may read. Absent fields do not restrict; a scoped entry
 * always lists its providers (portals= alone implies providers=hubspot), so `providers`
 * undefined means an unscoped token.
 */
export interface TokenScope {
  readonly providers?: readonly string[];
  /** Provider → the only tenants of it the token may read. */
  readonly tenants?: Readonly<Record<string, readonly string[]>>;
}

export interface TokenEntry {
  readonly token: string;
  readonly scope: TokenScope;
}

/**
 * Scope clauses that list one provider's tenants, by clause name. HubSpot's tenant is the
 * portal id, and "portals" is the word its users know; another provider adds its own here.
 */
const TENANT_CLAUSES: Readonly<Record<string, { provider: string; value: RegExp; describe: string }>> = {
  portals: { provider: 'hubspot', value: /^[1-9][0-9]{0,15}$/, describe: 'HubSpot portal ids (positive integers)' },
};

const PROVIDER_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const CLAUSE_NAMES = ['providers', ...Object.keys(TENANT_CLAUSES)].map((k) => `${k}=`).join(' or ');

/**
 * Parses the entries of EVENTS_API_TOKENS (already split on commas and trimmed, empty ones
 * dropped); see the syntax at the config schema. A problem is one line that never contains a
 * token: it names the entry by position, and repeats scope text only once it parsed as a scope,
 * since text after an "@" may be part of a token written before scopes existed.
 */
export function parseTokenEntries(entries: readonly string[]): { entries: TokenEntry[] } | { problem: string } {
  if (entries.length === 0) return { problem: 'required (comma-separated bearer tokens)' };
  const parsed: TokenEntry[] = [];
  for (const [i, entry] of entries.entries()) {
    const [token = '', ...clauses] = entry.split('@');
    // Today's messages, unchanged, for entries without a scope; with one, the token may be
    // short only because it contained an @ before scopes existed, so say where it was cut.
    const cut = clauses.length > 0 ? `entry ${i + 1}: the token before @ ` : '';
    if (token.length < 16)
      return { problem: cut ? `${cut}must be at least 16 characters (tokens cannot contain @)` : 'each token must be at least 16 characters' };
    if (!/^[\x21-\x7e]+$/.test(token))
      return { problem: cut ? `${cut}must be printable ASCII without spaces` : 'tokens must be printable ASCII without spaces' };
    const scope = parseScope(clauses);
    if (typeof scope === 'string') return { problem: `entry ${i + 1}: ${scope}` };
    parsed.push({ token, scope });
  }
  // One token, two scopes: which one a request gets would depend on the order of the list.
  for (const [i, a] of parsed.entries()) {
    const j = parsed.findIndex((b, k) => k > i && b.token === a.token && scopeKey(b.scope) !== scopeKey(a.scope));
    if (j >= 0) return { problem: `entries ${i + 1} and ${j + 1} are the same token with different scopes` };
  }
  return { entries: parsed };
}

/** The first scope of `entries` naming a provider that is not hosted (a typo would read nothing). */
export function unhostedProvider(entries: readonly TokenEntry[], hosted: readonly string[]): string | undefined {
  for (const [i, e] of entries.entries()) {
    // The name is not repeated: it comes from the setting that holds the tokens.
    if (e.scope.providers?.some((p) => !hosted.includes(p)))
      return `entry ${i + 1}: providers= names a provider PROVIDERS does not list (${hosted.join(', ')})`;
  }
  return undefined;
}

function parseScope(clauses: readonly string[]): TokenScope | string {
  if (clauses.length === 0) return {};
  let providers: string[] | undefined;
  const tenants: Record<string, string[]> = {};
  for (const clause of clauses) {
    if (clause.length === 0) return 'empty scope clause after @';
    // The usual slip is another syntax's separator; say so rather than "unknown clause".
    if (/[;&]/.test(clause)) return 'scope clauses are joined with @ (token@providers=…@portals=…), not ; or &';
    const eq = clause.indexOf('=');
    const name = eq > 0 ? clause.slice(0, eq) : '';
    const values = clause.slice(eq + 1).split('+');
    if (name === 'providers') {
      if (providers) return 'providers= given twice';
      if (!values.every((v) => PROVIDER_NAME.test(v))) return 'providers= takes lower-case provider names joined by +';
      providers = [...new Set(values)];
      continue;
    }
    const tenantClause = Object.hasOwn(TENANT_CLAUSES, name) ? TENANT_CLAUSES[name] : undefined;
    if (!tenantClause) return `a scope clause is ${CLAUSE_NAMES}, and tokens cannot contain @`;
    if (tenants[tenantClause.provider]) return `${name}= given twice`;
    if (!values.every((v) => tenantClause.value.test(v))) return `${name}= takes ${tenantClause.describe} joined by +`;
    tenants[tenantClause.provider] = [...new Set(values)];
  }
  // A tenant list without providers= reads that provider only: the narrowest reading.
  providers ??= Object.keys(tenants);
  for (const [name, c] of Object.entries(TENANT_CLAUSES)) {
    if (tenants[c.provider] && !providers.includes(c.provider)) return `${name}= restricts ${c.provider}, which providers= leaves out`;
  }
  return Object.keys(tenants).length > 0 ? { providers, tenants } : { providers };
}

function scopeKey(s: TokenScope): string {
  const tenants = Object.entries(s.tenants ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([p, t]) => [p, [...t].sort()]);
  return JSON.stringify([s.providers ? [...s.providers].sort() : null, tenants]);
}

const UNSCOPED: ReadScope = Object.freeze({ providers: undefined, tenants: () => undefined });

/** The request-facing form of a token's scope (see ReadScope). */
export function readScope(s: TokenScope): ReadScope {
  const providers = s.providers;
  if (providers === undefined) return UNSCOPED;
  const none: readonly string[] = Object.freeze([]);
  return Object.freeze({
    providers: Object.freeze([...providers]),
    tenants: (provider: string) => (!providers.includes(provider) ? none : s.tenants && Object.hasOwn(s.tenants, provider) ? s.tenants[provider] : undefined),
  });
}

/**
 * A ledger filter narrowed to what `scope` may read. A provider or tenant outside it is a 403;
 * when the request names none and the scope has exactly one, that one is read; with several,
 * the request must name one (400): the ledger reads one provider and tenant at a time, and
 * merging several feeds would lose the changes feed's guarantee that nothing committed before
 * the returned cursor is skipped.
 */
export function narrowToScope<F extends { provider?: string; tenant?: string }>(filter: F, scope: ReadScope): F {
  const providers = scope.providers;
  if (providers === undefined) return filter;
  let provider = filter.provider;
  if (provider === undefined) {
    if (providers.length !== 1) throw badRequest('provider', `required: this token may read ${providers.join(', ')}; name one`);
    provider = providers[0] as string;
  } else if (!providers.includes(provider)) {
    throw forbidden(`this token may not read provider ${provider}`);
  }
  const tenants = scope.tenants(provider);
  if (tenants === undefined) return { ...filter, provider };
  if (filter.tenant === undefined) {
    if (tenants.length !== 1)
      throw badRequest(
        'tenant',
        `required: this token may read ${provider} tenants ${tenants.join(', ')}; name one (tenant=, or ${provider}'s own parameter for it)`,
      );
    return { ...filter, provider, tenant: tenants[0] as string };
  }
  if (!tenants.includes(filter.tenant)) throw forbidden(`this token may not read tenant ${filter.tenant} of ${provider}`);
  return { ...filter, provider };
}
