import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createLogger, createRegistry } from '@hookstream/observability';
import { PROVIDERS } from '@hookstream/providers';
import { createDataSource, type DataSource, type LedgerReader } from '@hookstream/store';
import { buildApp } from '../app.js';
import { createOverviewSampler } from '../overview/sampler.js';
import { overviewTargets } from '../overview/targets.js';
import type { HostedApi } from '../hosted.js';
import { createFakeReader, fakeHubSpotApi, type FakeRelations } from '../testing/fake-reader.js';
import type { ObjectState, StoredEvent } from '@hookstream/hubspot';

export const READER_TOKEN = 'openapi-reader-token-0123';
export const ADMIN_TOKEN = 'openapi-admin-token-0123456';

/**
 * events-api with every route it can have: HubSpot's over a fake reader (answers real data), the
 * other providers' parts and the admin API over a database that is never connected (their
 * routes are registered and validate requests; only a request that passes reaches the store).
 */
export async function buildFullApp(
  data: { events?: StoredEvent[]; states?: ObjectState[]; relations?: FakeRelations } = {},
  /** A migrated database for the other parts and the admin API (openapi.int.test.ts), with its ledger. */
  db?: { dataSource: DataSource; ledger: LedgerReader },
): Promise<FastifyInstance> {
  const log = createLogger({ name: 'openapi-test', level: 'silent' });
  const hubspot = fakeHubSpotApi(createFakeReader(data.events ?? [], data.states ?? [], data.relations ?? {}));
  const dataSource = db?.dataSource ?? createDataSource({ url: 'mysql://root@127.0.0.1:1/never_connected', log });
  const ledger = db?.ledger ?? hubspot.ledger;
  const registry = createRegistry('openapi-test');
  const ctx = { env: {}, log, now: Date.now, registry, dataSource, ledger };
  const others: HostedApi[] = [];
  for (const p of PROVIDERS) if (p.api && p.id !== 'hubspot') others.push({ provider: p.id, part: await p.api(ctx) });
  return buildApp({
    config: { EVENTS_API_TOKENS: [READER_TOKEN], ADMIN_API_TOKENS: [ADMIN_TOKEN] },
    ledger,
    parts: [...hubspot.parts, ...others],
    log,
    ready: async () => true,
    dataSource,
    // Names resolve to a public address without DNS: endpoint URLs pass the guard.
    resolve: async () => ['93.184.215.14'],
    // Never started: GET /overview is registered, no target is scraped.
    overview: createOverviewSampler({ targets: overviewTargets([], registry), intervalMs: 15_000, log }),
    consoleDir: mkdtempSync(join(tmpdir(), 'openapi-console-')),
  });
}
