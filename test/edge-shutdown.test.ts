import { connect } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { signedHeaders } from '@hookstream/hubspot';
import { openTopicAdmin } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { freePort } from '@hookstream/testkit';
import { SECRET, hsEvent } from './support/fleet.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

interface Outcome {
  status: number | null;
  code?: string;
  accepted: number;
  error?: string;
}

/**
 * SIGTERM while deliveries keep coming: every 2xx answer's events are in Kafka, a request in
 * flight at the signal finishes with 200, requests after it get 503 (or a refused connection),
 * and Kafka holds exactly as many messages as were acknowledged.
 */
describe('edge shutdown under load', () => {
  const log = createLogger({ name: 'edge-shutdown', level: 'silent' });
  const topic = `hubspot.events.shutdown-${Date.now().toString(36)}`;
  let edge: ServiceProcess | undefined;

  afterAll(async () => {
    if (edge && edge.proc.exitCode === null && edge.proc.signalCode === null) {
      edge.proc.kill('SIGKILL');
      await edge.exited;
    }
  });

  it('acknowledged = stored in Kafka; in-flight requests finish; new ones are turned away', async ({ annotate }) => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const url = `${base}/webhooks/hubspot`;
    edge = startService('edge', {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      HUBSPOT_CLIENT_SECRET: SECRET,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    await waitUntil('edge ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);

    // One request whose body is still on its way when the signal comes.
    const slowBody = JSON.stringify([hsEvent(900_001), hsEvent(900_002)]);
    const slowHeaders = signedHeaders({ secret: SECRET, version: 'v3', url, body: slowBody });
    const slow = connect(port, '127.0.0.1');
    await new Promise<void>((r) => slow.once('connect', () => r()));
    let slowReply = '';
    slow.on('data', (c: Buffer) => (slowReply += c.toString('utf8')));
    const slowClosed = new Promise<void>((r) => slow.once('close', () => r()));
    const head = Object.entries({ ...slowHeaders, host: `127.0.0.1:${port}`, 'content-length': String(Buffer.byteLength(slowBody)) })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    slow.write(`POST /webhooks/hubspot HTTP/1.1\r\n${head}\r\n\r\n${slowBody.slice(0, 40)}`);

    let seq = 0;
    let signalled = false;
    const outcomes: Outcome[] = [];
    async function worker(): Promise<void> {
      // Keep posting until the edge stops answering at all.
      for (;;) {
        const events = [0, 1, 2].map(() => hsEvent(++seq));
        const body = JSON.stringify(events);
        try {
          const res = await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRET, version: 'v3', url, body }), body });
          const json = (await res.json()) as { code?: string; accepted?: number };
          outcomes.push({ status: res.status, ...(json.code ? { code: json.code } : {}), accepted: res.status === 200 ? (json.accepted ?? -1) : 0 });
        } catch (err) {
          outcomes.push({ status: null, accepted: 0, error: String((err as { cause?: { code?: string } }).cause?.code ?? err) });
          if (signalled) return;
        }
      }
    }
    const workers = Array.from({ length: 6 }, () => worker());
    await waitUntil('some deliveries accepted', async () => outcomes.filter((o) => o.status === 200).length >= 30, 60_000, 20);
    edge.signal('SIGTERM');
    signalled = true;
    await new Promise((r) => setTimeout(r, 300));
    slow.write(slowBody.slice(40));
    await slowClosed;
    const exit = await edge.exited;
    await Promise.all(workers);

    expect(
      exit.code,
      edge
        .output()
        .split('\n')
        .filter((l) => /shut|close|timed out|error/i.test(l))
        .slice(-20)
        .join('\n'),
    ).toBe(0);
    expect(slowReply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(slowReply).toContain('"accepted":2');
    const statuses = new Set(outcomes.map((o) => o.status));
    expect([...statuses].every((s) => s === 200 || s === 503 || s === null)).toBe(true);
    expect(outcomes.filter((o) => o.status === 503).every((o) => o.code === 'SHUTTING_DOWN')).toBe(true);
    // After the signal nobody got in: the last outcome of every worker is a refusal.
    expect(outcomes.some((o) => o.status === 503 || o.status === null)).toBe(true);

    const acknowledged = outcomes.reduce((n, o) => n + o.accepted, 0) + 2;
    const kafka = testKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'shutdown-count', log });
    const admin = await openTopicAdmin(kafka);
    const inKafka = (await admin.partitions(topic)).reduce((n, p) => n + Number(p.high - p.low), 0);
    await admin.close();
    expect(inKafka).toBe(acknowledged);
    await annotate(
      `${outcomes.filter((o) => o.status === 200).length} deliveries answered 200 (${acknowledged} events incl. the slow one), ${outcomes.filter((o) => o.status === 503).length} answered 503 SHUTTING_DOWN, ${outcomes.filter((o) => o.status === null).length} connection errors (${[...new Set(outcomes.filter((o) => o.error).map((o) => o.error))].join(', ')}); Kafka holds ${inKafka}; exit after ${exit.afterMs} ms`,
    );
  });
});
