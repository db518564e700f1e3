import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedHeaders } from '@hookstream/hubspot';
import { openTopicAdmin } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { freePort, startLocalKafka, type LocalKafkaHandle } from '@hookstream/testkit';
import { SECRET, hsEvent } from './support/fleet.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

/** HubSpot counts a delivery as failed after 5 s; every answer must come before that. */
const HUBSPOT_WINDOW_MS = 5000;

/** The pid of the broker JVM this test started: the one whose command line names its data dir. */
async function brokerPid(kafka: LocalKafkaHandle): Promise<number> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    if (cmdline.includes('kafka.Kafka') && cmdline.includes(join(kafka.dataDir, 'server.properties'))) return Number(entry);
  }
  throw new Error(`no broker process for ${kafka.dataDir}`);
}

/**
 * The real edge process against a broker of its own that the test freezes (SIGSTOP: TCP still
 * accepts, nothing answers, the worst case) and kills. The edge must answer within HubSpot's
 * window, refuse at once what would exceed its memory budget, and accept again afterwards.
 */
describe('edge under a slow or dead Kafka', () => {
  const log = createLogger({ name: 'edge-pressure', level: 'silent' });
  const topic = `hubspot.events.pressure-${Date.now().toString(36)}`;
  let kafka: LocalKafkaHandle;
  let edge: ServiceProcess;
  let base = '';
  let n = 0;

  async function post(): Promise<{ status: number; code: string | undefined; ms: number }> {
    n += 1;
    const body = JSON.stringify([hsEvent(n, { objectId: 5000 + n })]);
    const url = `${base}/webhooks/hubspot`;
    const started = performance.now();
    const res = await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRET, version: 'v3', url, body }), body });
    const json = (await res.json()) as { code?: string };
    return { status: res.status, code: json.code, ms: performance.now() - started };
  }
  const inflightBytes = async () => Number(/hookstream_edge_inflight_bytes\{[^}]*\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1]);
  const accepted = async () => Number(/hookstream_edge_events_accepted_total\{[^}]*\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);

  beforeAll(async () => {
    kafka = await startLocalKafka({ log, port: 0 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    edge = startService('edge', {
      KAFKA_BROKERS: kafka.brokers.join(','),
      HUBSPOT_CLIENT_SECRET: SECRET,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      // About five one-event deliveries at once.
      EDGE_MAX_INFLIGHT_BYTES: '4000',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    await waitUntil('edge ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);
    expect((await post()).status).toBe(200);
  });

  afterAll(async () => {
    if (edge && edge.proc.exitCode === null) {
      edge.signal('SIGTERM');
      await edge.exited;
    }
    await kafka?.stop();
  });

  it('answers 503 within 5 s while the broker is frozen, refuses over-budget requests at once, and recovers', async ({ annotate }) => {
    const pid = await brokerPid(kafka);
    process.kill(pid, 'SIGSTOP');
    let answers: Awaited<ReturnType<typeof post>>[];
    try {
      answers = await Promise.all(Array.from({ length: 30 }, () => post()));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(answers.map((a) => a.status).filter((s) => s !== 503)).toEqual([]);
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(HUBSPOT_WINDOW_MS);
    const codes = answers.map((a) => a.code);
    expect(codes).toContain('BROKER_UNAVAILABLE');
    expect(codes).toContain('OVERLOADED');
    // Refusals do not wait for Kafka: every OVERLOADED answer came well before the produce timeout.
    expect(Math.max(...answers.filter((a) => a.code === 'OVERLOADED').map((a) => a.ms))).toBeLessThan(2000);
    expect(edge.proc.exitCode).toBeNull();
    const slowest = (code: string) => Math.round(Math.max(...answers.filter((a) => a.code === code).map((a) => a.ms)));
    await annotate(
      `frozen broker, 30 concurrent deliveries: ${codes.filter((c) => c === 'OVERLOADED').length} OVERLOADED (slowest ${slowest('OVERLOADED')} ms), ${codes.filter((c) => c === 'BROKER_UNAVAILABLE').length} BROKER_UNAVAILABLE (slowest ${slowest('BROKER_UNAVAILABLE')} ms)`,
    );

    await waitUntil('deliveries to succeed again', async () => (await post()).status === 200, 60_000, 500);
    // The writes that timed out settle once the broker answers; the budget is free again.
    await waitUntil('the in-flight budget to drain', async () => (await inflightBytes()) === 0, 60_000, 250);
  });

  it('answers 503 within 5 s while the broker is down and accepts again after it restarts; nothing acknowledged is missing', async ({ annotate }) => {
    await kafka.kill();
    const down: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await post();
      expect(a.status).toBe(503);
      expect(a.code).toBe('BROKER_UNAVAILABLE');
      expect(a.ms).toBeLessThan(HUBSPOT_WINDOW_MS);
      down.push(Math.round(a.ms));
    }
    await annotate(`killed broker: 503 BROKER_UNAVAILABLE after ${down.join(', ')} ms`);
    expect((await fetch(`${base}/healthz`)).ok).toBe(true);
    await kafka.restart();
    await waitUntil('deliveries to succeed again', async () => (await post()).status === 200, 90_000, 500);
    for (let i = 0; i < 5; i++) expect((await post()).status).toBe(200);

    const client = testKafka({ brokers: kafka.brokers, clientId: 'pressure-count', log });
    const admin = await openTopicAdmin(client);
    try {
      const held = (await admin.partitions(topic)).reduce((s, p) => s + Number(p.high - p.low), 0);
      // At least once: every acknowledged event is in Kafka (writes that timed out may add more).
      expect(held).toBeGreaterThanOrEqual(await accepted());
    } finally {
      await admin.close();
    }
  });
});
