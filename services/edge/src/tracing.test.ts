import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadEdgeConfig } from '@hookstream/config';
import { readTraceparent } from '@hookstream/kafka';
import { createLogger, startTracing, type Tracing } from '@hookstream/observability';
import { buildEdgeApp } from './app.js';
import { NOW, RecordingPublisher, postStub, stubPart } from './testing/stub-provider.js';

interface Exported {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links?: Array<{ traceId: string; spanId: string }>;
  status?: { code?: number };
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: number | string } }>;
}

/** A loopback OTLP/HTTP JSON collector. */
async function collector(): Promise<{ endpoint: string; spans: Exported[]; close(): Promise<void> }> {
  const spans: Exported[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Exported[] }> }> };
      for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

const attr = (s: Exported | undefined, key: string) => {
  const v = s?.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue === undefined ? undefined : Number(v.intValue));
};

async function edge(tracing?: Tracing) {
  const publisher = new RecordingPublisher();
  const app = await buildEdgeApp({
    config: loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' }),
    publisher,
    log: createLogger({ name: 'edge-tracing-test', level: 'silent' }),
    now: () => NOW,
    parts: [{ provider: 'stub', part: stubPart('stub') }],
    ...(tracing ? { tracing } : {}),
  });
  return { app, publisher };
}

const body = JSON.stringify({ events: [{ id: 1 }, { id: 2 }] });

describe('edge tracing', () => {
  it('leaves the messages exactly as the provider encoded them when tracing is off', async () => {
    const { app, publisher } = await edge();
    const r = await postStub(app, 'stub', 'orders', body, { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
    expect(r.statusCode).toBe(200);
    expect(publisher.batches[0]?.map((m) => m.value.toString())).toEqual(['{"id":1}', '{"id":2}']);
    await app.close();
  });

  it('stamps the request span into every message and exports the request and send spans', async () => {
    const col = await collector();
    try {
      const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint }, 'hookstream-edge');
      const { app, publisher } = await edge(tracing);
      const sender = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      expect((await postStub(app, 'stub', 'orders', body, { traceparent: sender })).statusCode).toBe(200);
      expect((await postStub(app, 'stub', 'orders', body, { 'x-stub-key': 'wrong' })).statusCode).toBe(401);
      await app.close();
      await tracing.shutdown();

      const [accepted, refused] = col.spans.filter((s) => s.name === 'POST /webhooks/stub/:source');
      const send = col.spans.find((s) => s.name === 'send stub.events');
      expect(accepted).toMatchObject({ kind: 2, links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' }] });
      expect(accepted?.parentSpanId ?? '').toBe('');
      expect(attr(accepted, 'hookstream.provider')).toBe('stub');
      expect(attr(accepted, 'hookstream.source')).toBe('orders');
      expect(attr(accepted, 'http.response.status_code')).toBe(200);
      expect(attr(accepted, 'hookstream.events')).toBe(2);
      expect(send).toMatchObject({ kind: 4, traceId: accepted?.traceId, parentSpanId: accepted?.spanId });
      // A refusal is the sender's problem, not a failed span; nothing was produced for it.
      expect(attr(refused, 'http.response.status_code')).toBe(401);
      expect(refused?.status?.code ?? 0).toBe(0);
      expect(publisher.batches).toHaveLength(1);

      const values = publisher.batches[0] ?? [];
      expect(values.map((m) => readTraceparent(m.value))).toEqual([0, 1].map(() => `00-${accepted?.traceId}-${accepted?.spanId}-01`));
      expect(values.map((m) => JSON.parse(m.value.toString()) as unknown)).toEqual([
        { traceparent: `00-${accepted?.traceId}-${accepted?.spanId}-01`, id: 1 },
        { traceparent: `00-${accepted?.traceId}-${accepted?.spanId}-01`, id: 2 },
      ]);
    } finally {
      await col.close();
    }
  });
});
