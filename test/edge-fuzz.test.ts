import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedHeaders } from '@hookstream/hubspot';
import { openTopicAdmin, type TopicAdmin } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { freePort, webhookFuzzCase } from '@hookstream/testkit';
import { SECRET, hsEvent } from './support/fleet.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

const RUNS = 1000;
const BODY_LIMIT = 64 * 1024;
const MAX_EVENTS = 50;

/** The fuzz property again, over real sockets against the real edge process and broker. */
describe('edge fuzz against the real process and broker', () => {
  const log = createLogger({ name: 'edge-fuzz', level: 'silent' });
  const topic = `hubspot.events.fuzz-${Date.now().toString(36)}`;
  let edge: ServiceProcess;
  let admin: TopicAdmin;
  let base = '';
  const inKafka = async () => (await admin.partitions(topic)).reduce((n, p) => n + Number(p.high - p.low), 0);

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    edge = startService('edge', {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      HUBSPOT_CLIENT_SECRET: SECRET,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      EDGE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      EDGE_MAX_EVENTS: String(MAX_EVENTS),
      LOG_LEVEL: 'warn',
    });
    await waitUntil('edge ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);
    admin = await openTopicAdmin(testKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'edge-fuzz', log }));
  });
  afterAll(async () => {
    await admin?.close();
    if (edge && edge.proc.exitCode === null) {
      edge.signal('SIGTERM');
      await edge.exited;
    }
  });

  it(`answers ${RUNS} generated bad requests with the right 4xx, stays up and writes nothing to Kafka`, async ({ annotate }) => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        webhookFuzzCase({ secret: SECRET, url: `${base}/webhooks/hubspot`, now: Date.now, bodyLimit: BODY_LIMIT, maxEvents: MAX_EVENTS }),
        async (c) => {
          const res = await fetch(`${base}${c.path}`, {
            method: c.method,
            headers: c.headers,
            ...(c.body.length > 0 && c.method !== 'GET' ? { body: c.body } : {}),
          });
          const text = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(c.expected, `${c.kind}: ${text.slice(0, 300)}`).toContain(res.status);
          const body = JSON.parse(text) as { code?: unknown; message?: unknown };
          expect(typeof body.code).toBe('string');
          expect(typeof body.message).toBe('string');
        },
      ),
      { numRuns: RUNS },
    );
    expect(edge.proc.exitCode).toBeNull();
    expect(await inKafka()).toBe(0);
    // Still serving: a valid delivery goes through and is the only message on the topic.
    const body = JSON.stringify([hsEvent(1)]);
    const url = `${base}/webhooks/hubspot`;
    expect((await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRET, version: 'v3', url, body }), body })).status).toBe(200);
    expect(await inKafka()).toBe(1);
    await annotate(
      `${RUNS} cases over HTTP: ${[...statuses]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
  });
});
