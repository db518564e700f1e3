/**
 * `npm start`: the whole fleet on one machine. Provisions Kafka (KAFKA_BROKERS, else Docker,
 * else a local KRaft broker from Apache's jars) and the database (DATABASE_URL, else Docker,
 * else the local MariaDB), runs the migrations, starts a local fake of the HubSpot API when no
 * HUBSPOT_ACCESS_TOKEN is set, then runs edge (:8080), N processor replicas and events-api
 * (:8081) and a dispatcher (outbound deliveries) as separate processes, exactly as they run in
 * production. Deliveries may reach this machine (DELIVERY_ALLOW_PRIVATE_NETWORKS, plain http),
 * so `npm run sample` can relay to a receiver on localhost.
 *
 *   FLEET_PROCESSORS=3 npm start        three processor replicas (default 2)
 *   FLEET_DISPATCHERS=2 npm start       two dispatcher replicas (default 1)
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseTls, DatabaseTlsSchema, parseEnv } from '@hookstream/config';
import { createLogger, redactUrl } from '@hookstream/observability';
import { providerMigrations, PROVIDERS } from '@hookstream/providers';
import { createDataSource, runMigrations } from '@hookstream/store';
import {
  createDatabase,
  ensureDatabase,
  startDatabaseServer,
  startFakeBrevo,
  startFakeHubSpot,
  startFakeMeta,
  startKafka,
  type FakeBrevo,
  type FakeHubSpot,
  type FakeMeta,
} from '@hookstream/testkit';
import { ensureConsoleBuilt } from './console-build.js';
import { LOCAL } from './local-defaults.js';
import { seedSampleObjects } from './sample-data.js';
import { createSupervisor } from './supervisor.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const log = createLogger({ name: 'fleet', level: process.env.LOG_LEVEL ?? 'info' });
const env = process.env;
const processors = Number(env.FLEET_PROCESSORS ?? 2);
if (!Number.isInteger(processors) || processors < 1 || processors > 12) {
  process.stderr.write('fleet: FLEET_PROCESSORS must be an integer from 1 to 12\n');
  process.exit(2);
}
const dispatchers = Number(env.FLEET_DISPATCHERS ?? 1);
if (!Number.isInteger(dispatchers) || dispatchers < 0 || dispatchers > 12) {
  process.stderr.write('fleet: FLEET_DISPATCHERS must be an integer from 0 to 12\n');
  process.exit(2);
}

// events-api serves the console's build at /console: made first, before anything starts, when missing or older than its sources.
ensureConsoleBuilt((line) => process.stdout.write(`${line}\n`));

const kafka = await startKafka({ log, port: LOCAL.kafkaPort, reuseIfRunning: true });
const dbServer = env.DATABASE_URL ? undefined : await startDatabaseServer({ log });
const databaseUrl = env.DATABASE_URL ?? (await createDatabase((dbServer as NonNullable<typeof dbServer>).url, LOCAL.databaseName));
// The migrations reach a TLS-only database as the services do (DATABASE_SSL*).
const dbTls = databaseTls(parseEnv(DatabaseTlsSchema, env));
if (env.DATABASE_URL && (await ensureDatabase(databaseUrl, dbTls)) === 'created') {
  log.info({ database: redactUrl(databaseUrl) }, 'created the database DATABASE_URL names');
}
const ds = createDataSource({ url: databaseUrl, log, migrations: providerMigrations(PROVIDERS), ...(dbTls ? { ssl: dbTls } : {}) });
await ds.initialize();
await runMigrations(ds);
await ds.destroy();
log.info({ database: redactUrl(databaseUrl) }, 'database schema is up to date');

let fake: FakeHubSpot | undefined;
if (!env.HUBSPOT_ACCESS_TOKEN) {
  fake = await startFakeHubSpot({ tokens: new Map([[LOCAL.samplePortalId, LOCAL.fakeHubSpotToken]]), log: log.child({ component: 'fake-hubspot' }) });
  seedSampleObjects(fake);
}

// The CRM's actions go to Meta and Brevo: local fakes speaking their documented shapes unless real credentials are given.
const meta: FakeMeta | undefined = env.META_ACCESS_TOKEN ? undefined : await startFakeMeta({ accessToken: LOCAL.fakeMetaToken });
const brevo: FakeBrevo | undefined = env.BREVO_API_KEY ? undefined : await startFakeBrevo();

const common: NodeJS.ProcessEnv = {
  ...env,
  KAFKA_BROKERS: kafka.brokers.join(','),
  DATABASE_URL: databaseUrl,
  HUBSPOT_CLIENT_SECRET: env.HUBSPOT_CLIENT_SECRET ?? LOCAL.clientSecret,
  EVENTS_API_TOKENS: env.EVENTS_API_TOKENS ?? LOCAL.eventsApiToken,
  ADMIN_API_TOKENS: env.ADMIN_API_TOKENS ?? LOCAL.adminToken,
  // A laptop's endpoints are on localhost: allowed here, refused by default in production.
  DELIVERY_ALLOW_PRIVATE_NETWORKS: env.DELIVERY_ALLOW_PRIVATE_NETWORKS ?? 'true',
  DELIVERY_ALLOW_HTTP: env.DELIVERY_ALLOW_HTTP ?? 'true',
  // Every provider with local defaults: HubSpot, and the sample generic sources.
  PROVIDERS: env.PROVIDERS ?? LOCAL.providers,
  SOURCES_FILE: env.SOURCES_FILE ?? join(root, LOCAL.sourcesFile),
  ...(fake ? { HUBSPOT_API_BASE_URL: fake.url, HUBSPOT_ACCESS_TOKEN: LOCAL.fakeHubSpotToken } : {}),
  ...(meta ? { META_GRAPH_URL: meta.url, META_ACCESS_TOKEN: meta.accessToken, META_PIXEL_ID: LOCAL.fakeMetaPixelId } : {}),
  ...(brevo ? { BREVO_API_URL: brevo.url, BREVO_API_KEY: brevo.apiKey, BREVO_SENDER_EMAIL: LOCAL.brevoSender, BREVO_SENDER_NAME: 'Hookstream sample' } : {}),
};

// A process that dies is restarted with backoff (as compose or Kubernetes would), not the fleet stopped.
const supervisor = createSupervisor(log);
function run(name: string, service: string, extra: NodeJS.ProcessEnv): void {
  supervisor.add(name, () => {
    const proc = spawn(process.execPath, ['--import', 'tsx', join(root, 'services', service, 'src', 'main.ts')], {
      cwd: root,
      env: { ...common, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Prefix each JSON line with its process so interleaved logs stay readable.
    for (const stream of [proc.stdout, proc.stderr]) {
      let buf = '';
      stream?.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) !== -1) {
          process.stdout.write(`[${name}] ${buf.slice(0, nl)}\n`);
          buf = buf.slice(nl + 1);
        }
      });
    }
    return proc;
  });
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info('stopping the fleet');
  await supervisor.stop();
  await fake?.close();
  await meta?.close();
  await brevo?.close();
  await kafka.stop();
  await dbServer?.stop();
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(0));

run('edge', 'edge', { PORT: String(LOCAL.edgePort) });
for (let i = 0; i < processors; i++)
  run(`processor-${i + 1}`, 'processor', { PORT: String(LOCAL.firstProcessorHealthPort + i), KAFKA_CLIENT_ID: `hookstream-processor-${i + 1}` });
// The console's Overview charts every process's /metrics: events-api scrapes them all.
const metricsTargets = [
  `http://127.0.0.1:${LOCAL.edgePort}/metrics`,
  ...Array.from({ length: processors }, (_, i) => `http://127.0.0.1:${LOCAL.firstProcessorHealthPort + i}/metrics`),
  ...Array.from({ length: dispatchers }, (_, i) => `http://127.0.0.1:${LOCAL.dispatcherHealthPort + i}/metrics`),
];
run('events-api', 'events-api', { PORT: String(LOCAL.eventsApiPort), METRICS_TARGETS: env.METRICS_TARGETS ?? metricsTargets.join(',') });
for (let i = 0; i < dispatchers; i++)
  run(`dispatcher-${i + 1}`, 'dispatcher', { PORT: String(LOCAL.dispatcherHealthPort + i), KAFKA_CLIENT_ID: `hookstream-dispatcher-${i + 1}` });

async function waitReady(url: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

try {
  await Promise.all([
    waitReady(`http://127.0.0.1:${LOCAL.edgePort}/readyz`),
    waitReady(`http://127.0.0.1:${LOCAL.eventsApiPort}/readyz`),
    ...Array.from({ length: processors }, (_, i) => waitReady(`http://127.0.0.1:${LOCAL.firstProcessorHealthPort + i}/readyz`)),
    ...Array.from({ length: dispatchers }, (_, i) => waitReady(`http://127.0.0.1:${LOCAL.dispatcherHealthPort + i}/readyz`)),
  ]);
} catch (err) {
  log.error({ err }, 'the fleet did not start');
  await stop(1);
}

const token = (common.EVENTS_API_TOKENS ?? '').split(',')[0]?.split('@')[0];
const publicUrl = env.PUBLIC_URL ? `${env.PUBLIC_URL.replace(/\/$/, '')}/webhooks/hubspot` : undefined;
process.stdout.write(
  [
    '',
    'Hookstream is running.',
    `  edge         http://localhost:${LOCAL.edgePort}/webhooks/hubspot and /webhooks/sources/<name> (${common.PROVIDERS}; sources from ${common.SOURCES_FILE})`,
    `  events-api   http://localhost:${LOCAL.eventsApiPort}/events  (Authorization: Bearer ${token})`,
    `  console      http://localhost:${LOCAL.eventsApiPort}/console  (sign in with ${token}, or ${common.ADMIN_API_TOKENS?.split(',')[0]} for endpoints)`,
    `  processors   ${processors} replicas, one consumer group per provider (health: ${Array.from({ length: processors }, (_, i) => `:${LOCAL.firstProcessorHealthPort + i}`).join(' ')})`,
    `  dispatchers  ${dispatchers} replica(s) relaying stored events to endpoints (admin: Authorization: Bearer ${common.ADMIN_API_TOKENS?.split(',')[0]} on /endpoints)`,
    `  kafka        ${kafka.brokers.join(',')} (${kafka.source})    database ${redactUrl(databaseUrl)}`,
    fake
      ? `  HubSpot API  local fake at ${fake.url} (set HUBSPOT_ACCESS_TOKEN to use the real API)`
      : '  HubSpot API  HUBSPOT_API_BASE_URL with HUBSPOT_ACCESS_TOKEN',
    meta ? `  Meta CAPI    local fake at ${meta.url} (set META_ACCESS_TOKEN and META_PIXEL_ID for the real one)` : '  Meta CAPI    META_GRAPH_URL',
    brevo ? `  Brevo        local fake at ${brevo.url} (set BREVO_API_KEY and BREVO_SENDER_EMAIL for the real one)` : '  Brevo        BREVO_API_URL',
    '',
    publicUrl
      ? `Point your HubSpot app's webhook target URL at ${publicUrl}`
      : `To receive real HubSpot webhooks: run \`ngrok http ${LOCAL.edgePort}\`, then restart with PUBLIC_URL=https://<your-id>.ngrok.app HUBSPOT_CLIENT_SECRET=<app secret> npm start,\n  and set the app's webhook target URL to https://<your-id>.ngrok.app/webhooks/hubspot`,
    '',
    'Send a signed sample delivery, watch it come out of events-api and be relayed, signed, to a local endpoint:',
    '  npm run sample',
    'Keep a local endpoint printing every relayed event:',
    '  npm run receiver',
    'Stop with Ctrl-C.',
    '',
  ].join('\n'),
);
