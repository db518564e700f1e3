import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedHeaders } from '@hookstream/hubspot';
import { createDataSource, runMigrations, type DataSource } from '@hookstream/store';
import { freePort, testDatabase, type TestDatabase } from '@hookstream/testkit';
import { SECRET, hsEvent } from './support/fleet.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';

/** The services' real entry points as separate processes: start-up errors and SIGTERM. */
describe('service processes', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const brokers = () => inject('kafkaBrokers');
  const topic = `hubspot.events.proc-${Date.now().toString(36)}`;

  beforeAll(async () => {
    db = await testDatabase();
    ds = createDataSource({ url: db.url });
    await ds.initialize();
    await runMigrations(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it.each([
    ['edge', { KAFKA_BROKERS: 'localhost:9092' }, /^edge: invalid configuration: HUBSPOT_CLIENT_SECRET: required/m],
    [
      'processor',
      { KAFKA_BROKERS: 'localhost:9092', DATABASE_URL: 'postgres://x/y' },
      /^processor: invalid configuration: DATABASE_URL: must be a URL like mysql:/m,
    ],
    ['events-api', { DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' }, /^events-api: invalid configuration: EVENTS_API_TOKENS: /m],
  ] as const)('%s refuses a bad setting with one line naming it', async (name, env, line) => {
    const p = startService(name, { ...env });
    const { code } = await p.exited;
    expect(code).toBe(2);
    expect(p.output()).toMatch(line);
    expect(p.output().trim().split('\n')).toHaveLength(1);
  });

  it('edge drains, answers and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const edge = startService('edge', {
      KAFKA_BROKERS: brokers(),
      HUBSPOT_CLIENT_SECRET: SECRET,
      KAFKA_TOPIC: topic,
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitUntil('edge ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);
    const body = JSON.stringify([hsEvent(1)]);
    const url = `${base}/webhooks/hubspot`;
    const accepted = await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRET, version: 'v3', url, body }), body });
    expect(accepted.status).toBe(200);
    edge.signal('SIGTERM');
    const { code, afterMs } = await edge.exited;
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(10_000);
    expect(edge.output()).toContain('shutdown complete');
    expect(edge.output()).not.toContain(SECRET);
  });

  it('processor commits its work and exits 0 on SIGTERM; events-api too', async () => {
    const healthPort = await freePort();
    const apiPort = await freePort();
    const common = {
      KAFKA_BROKERS: brokers(),
      DATABASE_URL: db.url,
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: `${topic}-group`,
      SHUTDOWN_TIMEOUT_MS: '20000',
      HUBSPOT_ENRICH: 'false',
    };
    const processor: ServiceProcess = startService('processor', { ...common, PORT: String(healthPort), HOST: '127.0.0.1' });
    const api = startService('events-api', { DATABASE_URL: db.url, EVENTS_API_TOKENS: 'proc-test-token-0123456789', PORT: String(apiPort), HOST: '127.0.0.1' });
    // The event the edge test accepted is on the topic: the processor must store it before it stops.
    await waitUntil(
      'the event to be stored',
      async () => {
        const [r] = (await ds.query('SELECT COUNT(*) AS n FROM events')) as Array<{ n: number }>;
        return Number(r?.n) === 1;
      },
      60_000,
    );
    await waitUntil('events-api ready', async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok, 60_000);
    processor.signal('SIGTERM');
    api.signal('SIGTERM');
    const [p, a] = await Promise.all([processor.exited, api.exited]);
    expect(p.code).toBe(0);
    expect(a.code).toBe(0);
    expect(p.afterMs).toBeLessThan(20_000);
    expect(processor.output()).toContain('shutdown complete');
  });
});
