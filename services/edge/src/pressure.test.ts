import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { signedHeaders } from '@hookstream/hubspot';
import { ProduceTimeoutError, type OutboundMessage } from '@hookstream/kafka';
import { hubspotEdgePart, loadHubSpotEdgeConfig } from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { buildEdgeApp } from './app.js';
import type { EventPublisher } from './publisher.js';
import { MAX_EVENT_DEPTH } from '@hookstream/hubspot';

const SECRET = 'pressure-client-secret-0000';
const PUBLIC = 'https://hooks.example.com';
const NOW = 1_769_081_994_066;
const URL_ = `${PUBLIC}/webhooks/hubspot`;

const event = (i: number, extra: Record<string, unknown> = {}) => ({
  eventId: i,
  subscriptionId: 7,
  portalId: 62515,
  occurredAt: NOW - i,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 1000 + i,
  ...extra,
});

/** A publisher whose writes the test settles by hand, like a Kafka that is slow to acknowledge. */
class ManualPublisher implements EventPublisher {
  pending: Array<{ messages: readonly OutboundMessage[]; resolve: () => void; reject: (e: Error) => void; onSettled: (() => void) | undefined }> = [];
  published = 0;
  publish(_topic: string, messages: readonly OutboundMessage[], opts?: { onSettled?: () => void }) {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        messages,
        resolve: () => {
          this.published += messages.length;
          resolve();
        },
        reject,
        onSettled: opts?.onSettled,
      });
    });
  }
  ready() {
    return true;
  }
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()?.close();
});

async function setup(env: Record<string, string> = {}) {
  const config = loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_URL: PUBLIC, ...env });
  const publisher = new ManualPublisher();
  const log = createLogger({ name: 'edge-pressure', level: 'silent' });
  const app = await buildEdgeApp({ config, publisher, log, now: () => NOW, parts: [{ provider: 'hubspot', part: hubspotEdgePart(config, log, () => NOW) }] });
  apps.push(app);
  // inject() is lazy until awaited; wrapping it starts the request now, so several can be in flight.
  const post = (body: string) =>
    Promise.resolve(
      app.inject({
        method: 'POST',
        url: '/webhooks/hubspot',
        payload: body,
        headers: signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW }),
      }),
    );
  const inflight = async () => Number(/hookstream_edge_inflight_bytes\{[^}]*\} (\d+)/.exec((await app.inject('/metrics')).body)?.[1]);
  return { app, publisher, post, inflight };
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
};

/** Bytes one delivery holds while Kafka has not acknowledged it (its body plus its envelopes): a budget for exactly one. */
async function heldBy(body: string): Promise<number> {
  const { publisher, post, inflight } = await setup();
  const res = post(body);
  await until(() => publisher.pending.length === 1);
  const held = await inflight();
  expect(held).toBeGreaterThan(body.length);
  publisher.pending[0]?.resolve();
  expect((await res).statusCode).toBe(200);
  return held;
}

describe('in-flight byte budget', () => {
  it('answers 503 OVERLOADED with Retry-After at once while Kafka holds earlier deliveries, and recovers when they settle', async () => {
    const body = JSON.stringify([event(1), event(2)]);
    const { publisher, post, inflight } = await setup({ EDGE_MAX_INFLIGHT_BYTES: String(await heldBy(body)) });
    const first = post(body);
    await until(() => publisher.pending.length === 1);
    const refused = await post(body);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ code: 'OVERLOADED', message: expect.stringMatching(/in flight/) });
    expect(publisher.pending).toHaveLength(1);
    publisher.pending[0]?.resolve();
    expect((await first).statusCode).toBe(200);
    expect(await inflight()).toBe(0);
    const again = post(body);
    await until(() => publisher.pending.length === 2);
    publisher.pending[1]?.resolve();
    expect((await again).statusCode).toBe(200);
    expect(publisher.published).toBe(4);
  });

  it('keeps counting a timed-out write until Kafka settles it, so retries cannot pile up in memory', async () => {
    const body = JSON.stringify([event(1)]);
    const { publisher, post, inflight } = await setup({ EDGE_MAX_INFLIGHT_BYTES: String(await heldBy(body)) });
    const first = post(body);
    await until(() => publisher.pending.length === 1);
    publisher.pending[0]?.reject(new ProduceTimeoutError(4000));
    const res = await first;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(res.headers['retry-after']).toBe('5');
    // The request is answered but its envelope still sits in the Kafka client.
    expect(await inflight()).toBeGreaterThan(0);
    expect((await post(body)).json()).toMatchObject({ code: 'OVERLOADED' });
    publisher.pending[0]?.onSettled?.();
    expect(await inflight()).toBe(0);
    const next = post(body);
    await until(() => publisher.pending.length === 2);
    publisher.pending[1]?.resolve();
    expect((await next).statusCode).toBe(200);
  });
});

describe('values the database could not store', () => {
  it('refuses deep nesting (10,000 levels) and unpaired surrogates with 400 instead of a 500 or a dead letter later', async () => {
    const { post, publisher } = await setup();
    const deep = `[${JSON.stringify(event(1)).slice(0, -1)},"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`;
    const r1 = await post(deep);
    expect(r1.statusCode).toBe(400);
    expect(r1.json()).toMatchObject({
      code: 'BAD_REQUEST',
      message: `event[0].extra${'[0]'.repeat(MAX_EVENT_DEPTH - 1)}: nested deeper than ${MAX_EVENT_DEPTH} levels`,
    });
    const r2 = await post(`[${JSON.stringify(event(1, { propertyName: 'firstname', propertyValue: 'x' })).replace('"x"', '"\\ud800x"')}]`);
    expect(r2.statusCode).toBe(400);
    expect(r2.json().message).toBe('event[0].propertyValue: contains an unpaired UTF-16 surrogate');
    expect(publisher.pending).toHaveLength(0);
  });
});

/** A raw TCP client: fetch() cannot stall mid-request or send oversized headers on purpose. */
async function rawClient(app: FastifyInstance): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  let data = '';
  socket.on('data', (c: Buffer) => (data += c.toString('utf8')));
  socket.on('error', () => {});
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  return { socket, received: () => data, closed };
}

describe('slow and oversized clients', () => {
  it('disconnects a client that sends headers and then stalls the body (408)', async () => {
    const { app, publisher } = await setup({ EDGE_REQUEST_TIMEOUT_MS: '1000', EDGE_HEADERS_TIMEOUT_MS: '1000' });
    const c = await rawClient(app);
    c.socket.write('POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"event');
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(c.received()).toContain('{"code":"REQUEST_TIMEOUT","message":"the request did not arrive in time"}');
    expect(publisher.pending).toHaveLength(0);
  });

  it('disconnects a slowloris that trickles its headers (408)', async () => {
    const { app } = await setup({ EDGE_REQUEST_TIMEOUT_MS: '5000', EDGE_HEADERS_TIMEOUT_MS: '1000' });
    const c = await rawClient(app);
    c.socket.write('POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => c.socket.writable && c.socket.write('X-Slow: 1\r\n'), 200);
    await c.closed;
    clearInterval(drip);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that sends nothing at all', async () => {
    const { app } = await setup({ EDGE_CONNECTION_TIMEOUT_MS: '500' });
    const c = await rawClient(app);
    await c.closed;
    expect(c.received()).toBe('');
  });

  it('answers 431 with a JSON body to oversized headers', async () => {
    const { app } = await setup({ EDGE_MAX_HEADER_BYTES: '4096' });
    const c = await rawClient(app);
    c.socket.write(`POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(c.received()).toContain('{"code":"HEADERS_TOO_LARGE","message":"request headers are larger than 4096 bytes"}');
  });
});

describe('closing', () => {
  it('lets a request in flight finish with 200 and answers one that arrives during shutdown with 503 SHUTTING_DOWN', async () => {
    const { app, publisher } = await setup();
    const body = JSON.stringify([event(1)]);
    const request = (b: string) => {
      const h = { ...signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body: b, timestamp: NOW }), 'content-length': String(Buffer.byteLength(b)) };
      return `POST /webhooks/hubspot HTTP/1.1\r\nHost: hooks.example.com\r\n${Object.entries(h)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\r\n')}\r\n\r\n${b}`;
    };
    const a = await rawClient(app);
    a.socket.write(request(body));
    await until(() => publisher.pending.length === 1);
    // B is mid-request (not idle) when shutdown begins, so close() does not cut it.
    const { port } = app.server.address() as AddressInfo;
    const bServerSide = new Promise<Socket>((r) => app.server.once('connection', r));
    const b = connect(port, '127.0.0.1');
    let bReply = '';
    b.on('data', (c: Buffer) => (bReply += c.toString('utf8')));
    const bClosed = new Promise<void>((r) => b.once('close', () => r()));
    const full = request(body);
    b.write(full.slice(0, 30));
    // Shutdown begins only once the server has read B's first bytes (a pause could let close() see B idle).
    const bServer = await bServerSide;
    await until(() => bServer.bytesRead >= 30);
    const closed = app.close();
    await new Promise((r) => setTimeout(r, 50));
    b.write(full.slice(30));
    await bClosed;
    expect(bReply).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(bReply.toLowerCase()).toContain('connection: close');
    expect(bReply).toContain('{"code":"SHUTTING_DOWN","message":"the edge is shutting down; retry"}');
    publisher.pending[0]?.resolve();
    await a.closed;
    await closed;
    expect(a.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    // The in-flight answer closes its keep-alive connection, so close() does not wait for the client.
    expect(a.received().toLowerCase()).toContain('connection: close');
    expect(publisher.pending).toHaveLength(1);
    expect(publisher.published).toBe(1);
  });
});
