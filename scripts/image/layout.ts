/**
 * What the container image holds and how its processes find each other: the bundles
 * scripts/image/bundle.ts writes into dist/, the services the launcher (dist/start.mjs) starts
 * by SERVICE, their default health ports, and the ports of the third parties' fakes. Plain
 * data with no imports, so the launcher and the health check stay tiny.
 */

/** Bundle name (dist/<name>.mjs) → its TypeScript entry, relative to the repository root. */
export const ENTRIES = {
  edge: 'services/edge/src/main.ts',
  processor: 'services/processor/src/main.ts',
  'events-api': 'services/events-api/src/main.ts',
  dispatcher: 'services/dispatcher/src/main.ts',
  /** One-shot: every provider's migrations (compose's `migrate` service). */
  migrate: 'services/cli/src/migrate.ts',
  /** Operator commands: `docker compose exec edge node dist/cli.mjs --help`. */
  cli: 'services/cli/src/main.ts',
  /** The HubSpot, Meta and Brevo fakes of packages/testkit in one process (compose's `fakes`). */
  fakes: 'scripts/image/fakes.ts',
  /** The image's CMD: picks the bundle SERVICE names. */
  start: 'scripts/image/start.ts',
  /** The image's HEALTHCHECK. */
  healthcheck: 'scripts/image/healthcheck.ts',
} as const;

export type BundleName = keyof typeof ENTRIES;

/** What SERVICE may name, with the port its /readyz listens on when PORT is not set (null: none). */
export const SERVICES = {
  edge: 8080,
  processor: 9100,
  'events-api': 8081,
  dispatcher: 9200,
  fakes: 9300,
  migrate: null,
  cli: null,
} as const satisfies Partial<Record<BundleName, number | null>>;

export type ServiceName = keyof typeof SERVICES;

export function isServiceName(s: string | undefined): s is ServiceName {
  return s !== undefined && Object.hasOwn(SERVICES, s);
}

/**
 * The workspace packages whose production dependencies the image installs (pnpm's
 * `--filter <name>...`): every external import of every bundle must be one of theirs
 * (checked when bundling). docker/Dockerfile lists the same filters.
 */
export const PRODUCTION_ROOTS = ['@hookstream/edge', '@hookstream/processor', '@hookstream/events-api', '@hookstream/dispatcher', '@hookstream/cli'] as const;

/** Where the fakes listen (all interfaces of the `fakes` container; compose publishes them on the host's 127.0.0.1). */
export const FAKE_PORTS = { hubspot: 9301, meta: 9302, brevo: 9303 } as const;

/** The fake Brevo account's key (any non-empty string; the fake accepts only this one). */
export const FAKE_BREVO_KEY = 'hookstream-local-brevo-key';

/** Where the launcher writes the health port it picked from HEALTH_PORTS, for the health check. */
export const HEALTH_PORT_FILE = '/tmp/hookstream-health-port';
