import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { signedHeaders } from '@hookstream/hubspot';
import { decodeEnvelope, ProduceTimeoutError, type OutboundMessage } from '@hookstream/kafka';
import { hubspotEdgePart, loadHubSpotEdgeConfig } from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { buildEdgeApp } from './app.js';
import type { EventPublisher } from './publisher.js';

const SECRET = 'test-client-secret-0000';
const PUBLIC = 'https://hooks.example.com';
const NOW = 1_769_081_994_066;
const URL_ = `${PUBLIC}/webhooks/hubspot`;

function event(i: number, extra: Record<string, unknown> = {}) {
  return {
    eventId: 1000 + i,
    subscriptionId: 7,
    portalId: 62515,
    appId: 54321,
    occurredAt: NOW - i,
    subscriptionType: 'contact.creation',
    attemptNumber: 0,
    objectId: 267448862446 + i,
    changeSource: 'CRM',
    changeFlag: 'NEW',
    ...extra,
  };
}

class RecordingPublisher implements EventPublisher {
  batches: OutboundMessage[][] = [];
  failWith: Error | undefined;
  async publish(_topic: string, messages: readonly OutboundMessage[]) {
    if (this.failWith) throw this.failWith;
    this.batches.push([...messages]);
  }
  ready() {
    return true;
  }
}

async function setup(env: Record<string, string> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const config = loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_URL: PUBLIC, ...env });
  const publisher = new RecordingPublisher();
  const log = createLogger({ name: 'edge-test', level: 'debug', destination });
  const app = await buildEdgeApp({ config, publisher, log, now: () => NOW, parts: [{ provider: 'hubspot', part: hubspotEdgePart(config, log, () => NOW) }] });
  return { app, publisher, lines };
}

function post(app: Awaited<ReturnType<typeof setup>>['app'], body: string, headers: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/webhooks/hubspot', payload: body, headers });
}

describe('POST /webhooks/hubspot', () => {
  it.each(['v1', 'v2', 'v3'] as const)('accepts a %s-signed batch and publishes one keyed message per event', async (version) => {
    const { app, publisher } = await setup();
    const body = JSON.stringify([event(1), event(2, { subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'ä@example.com' })]);
    const res = await post(app, body, signedHeaders({ secret: SECRET, version, url: URL_, body, timestamp: NOW }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2 });
    const [batch] = publisher.batches;
    expect(batch?.map((m) => m.key)).toEqual(['62515:contact:267448862447', '62515:contact:267448862448']);
    const env = decodeEnvelope(batch?.[1]?.value ?? null);
    expect(env).toMatchObject({ v: 1, provider: 'hubspot', receivedAt: NOW, signatureVersion: version, event: { propertyValue: 'ä@example.com' } });
  });

  it('verifies over the raw bytes: non-ASCII and whitespace are not re-encoded', async () => {
    const { app, publisher } = await setup();
    const body = `[ ${JSON.stringify(event(1, { subscriptionType: 'contact.propertyChange', propertyName: 'firstname', propertyValue: 'Jürgen' }))} ]`;
    const res = await post(app, body, signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW }));
    expect(res.statusCode).toBe(200);
    expect(publisher.batches).toHaveLength(1);
  });

  it.each([
    ['unsigned', (_b: string) => ({ 'content-type': 'application/json' })],
    ['wrong secret', (b: string) => signedHeaders({ secret: 'other-secret', version: 'v3', url: URL_, body: b, timestamp: NOW })],
    ['expired timestamp', (b: string) => signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body: b, timestamp: NOW - 301_000 })],
    [
      'signed for another URL',
      (b: string) => signedHeaders({ secret: SECRET, version: 'v3', url: 'https://evil.example.com/webhooks/hubspot', body: b, timestamp: NOW }),
    ],
  ])('refuses %s with 401 and publishes nothing', async (_name, headersFor) => {
    const { app, publisher } = await setup();
    const body = JSON.stringify([event(1)]);
    const res = await post(app, body, headersFor(body));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'INVALID_SIGNATURE' });
    expect(publisher.batches).toHaveLength(0);
  });

  it('refuses a tampered body with 401', async () => {
    const { app, publisher } = await setup();
    const body = JSON.stringify([event(1)]);
    const headers = signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW });
    const res = await post(app, body.replace('62515', '62516'), headers);
    expect(res.statusCode).toBe(401);
    expect(publisher.batches).toHaveLength(0);
  });

  it.each([
    ['not JSON', '[{"eventId":'],
    ['not an array', JSON.stringify(event(1))],
    ['an empty array', '[]'],
    ['an event missing objectId', JSON.stringify([{ ...event(1), objectId: undefined }])],
  ])('answers 400 for a signed body that is %s', async (_name, body) => {
    const { app, publisher } = await setup();
    const res = await post(app, body, signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('BAD_REQUEST');
    expect(res.json().message).toMatch(/\w/);
    expect(publisher.batches).toHaveLength(0);
  });

  it('answers 400 for a body that is not UTF-8', async () => {
    const { app } = await setup();
    const body = Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]')]);
    const headers = signedHeaders({ secret: SECRET, version: 'v1', url: URL_, body: body.toString('latin1'), timestamp: NOW });
    // v1 over the latin1 string differs from the bytes; sign the real bytes instead.
    const { signV1 } = await import('@hookstream/hubspot');
    headers['X-HubSpot-Signature'] = signV1(SECRET, body);
    const res = await app.inject({ method: 'POST', url: '/webhooks/hubspot', payload: body, headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/UTF-8/);
  });

  it('answers 415 for a non-JSON content type and 413 for an oversized body', async () => {
    const { app } = await setup({ EDGE_BODY_LIMIT_BYTES: '1024' });
    const text = await app.inject({ method: 'POST', url: '/webhooks/hubspot', payload: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(text.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = JSON.stringify(Array.from({ length: 40 }, (_, i) => event(i)));
    const res = await post(app, big, signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body: big, timestamp: NOW }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 503 when Kafka does not acknowledge, so that HubSpot retries', async () => {
    const { app, publisher } = await setup();
    publisher.failWith = new ProduceTimeoutError(4000);
    const body = JSON.stringify([event(1)]);
    const res = await post(app, body, signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW }));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
  });

  it('rebuilds the signed URL from X-Forwarded-* only behind a trusted proxy', async () => {
    const body = JSON.stringify([event(1)]);
    const proxyUrl = 'https://public.example.org/webhooks/hubspot?x=1';
    const headers = {
      ...signedHeaders({ secret: SECRET, version: 'v3', url: proxyUrl, body, timestamp: NOW }),
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'public.example.org',
    };
    const trusted = await setup({ PUBLIC_URL: '', TRUST_PROXY: 'true' });
    expect((await trusted.app.inject({ method: 'POST', url: '/webhooks/hubspot?x=1', payload: body, headers })).statusCode).toBe(200);
    const untrusted = await setup({ PUBLIC_URL: '' });
    expect((await untrusted.app.inject({ method: 'POST', url: '/webhooks/hubspot?x=1', payload: body, headers })).statusCode).toBe(401);
  });

  it("names the request on a refusal's line and on Fastify's request line (the request logger is made lazily)", async () => {
    const { app, lines } = await setup();
    const body = JSON.stringify([event(1)]);
    const refused = await post(app, body, {
      ...signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW }),
      'X-HubSpot-Signature-v3': 'forged',
    });
    expect(refused.statusCode).toBe(401);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const rejected = parsed.find((l) => l.msg === 'webhook rejected');
    const completed = parsed.find((l) => l.msg === 'request completed');
    expect(rejected?.reqId).toEqual(expect.any(String));
    expect(completed?.reqId).toBe(rejected?.reqId);
  });

  it('never logs the signature headers', async () => {
    const { app, lines } = await setup();
    const body = JSON.stringify([event(1)]);
    const headers = signedHeaders({ secret: SECRET, version: 'v3', url: URL_, body, timestamp: NOW });
    await post(app, body, headers);
    const all = lines.join('');
    expect(all).toContain('delivery accepted');
    expect(all).not.toContain(headers['X-HubSpot-Signature-v3']);
    expect(all).not.toContain(SECRET);
  });
});

describe('health', () => {
  it('serves /healthz, /readyz and /metrics', async () => {
    const { app } = await setup();
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).statusCode).toBe(200);
    expect((await app.inject('/metrics')).body).toContain('hookstream_edge_events_accepted_total');
    expect((await app.inject('/nope')).json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});
