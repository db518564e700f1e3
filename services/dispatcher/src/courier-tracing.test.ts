import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSigner, createWebhookDestination, generateSecret, type DeliverableEvent, type Sender, type SendResult } from '@hookstream/deliveries';
import { endpointRow } from '@hookstream/deliveries/testing';
import { startTracing } from '@hookstream/observability';
import type { DataSource } from '@hookstream/store';
import { describe, expect, it } from 'vitest';
import { createCourier } from './courier.js';

interface Exported {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
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

const endpoint = endpointRow();
const EDGE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const event: DeliverableEvent = { id: 77, provider: 'sources', source: 'orders', type: 'order.created', occurredAt: 1, receivedAt: 2, raw: { id: 1 } };

/** Records the headers of each request and answers `status`. */
function sender(status: number): Sender & { headers: Array<Record<string, string>> } {
  const headers: Array<Record<string, string>> = [];
  return {
    headers,
    async send(_url, _body, h) {
      headers.push(h);
      const ok = status < 300;
      return {
        outcome: ok ? 'succeeded' : 'failed',
        status,
        latencyMs: 3,
        error: ok ? null : `HTTP ${status}`,
        responseSnippet: null,
        retryAfterMs: null,
      } satisfies SendResult;
    },
    close: async () => undefined,
  };
}

describe('delivery attempt spans', () => {
  it('sends no traceparent header when tracing is off', async () => {
    const s = sender(200);
    const c = createCourier({ dataSource: {} as DataSource, sender: s, schedule: [0], destinations: new Map([['webhook', createWebhookDestination()]]) });
    await c.attempt(
      { endpoint, signer: createSigner([generateSecret()]) },
      [{ eventId: 77, attempts: 0, roundAttempts: 0, nextAttemptAt: 0 }],
      new Map([[77, event]]),
    );
    expect(s.headers[0]).toBeDefined();
    expect(s.headers[0]).not.toHaveProperty('traceparent');
  });

  it('exports one client span per attempt, a child of the edge request of the event when the ledger has its traceparent, and sends its own', async () => {
    const col = await collector();
    try {
      const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint }, 'hookstream-dispatcher');
      const sent: Array<string | undefined> = [];
      for (const status of [200, 503]) {
        const s = sender(status);
        const c = createCourier({
          dataSource: {} as DataSource,
          sender: s,
          schedule: [0, 1000],
          destinations: new Map([['webhook', createWebhookDestination()]]),
          tracing,
        });
        await c.attempt(
          { endpoint, signer: createSigner([generateSecret()]) },
          [{ eventId: 77, attempts: 2, roundAttempts: 2, nextAttemptAt: 0 }],
          new Map([[77, event]]),
        );
        sent.push(s.headers[0]?.traceparent);
      }
      // An event stored with the edge request's traceparent: its attempt is that request's child.
      const s = sender(200);
      const c = createCourier({
        dataSource: {} as DataSource,
        sender: s,
        schedule: [0],
        destinations: new Map([['webhook', createWebhookDestination()]]),
        tracing,
      });
      await c.attempt(
        { endpoint, signer: createSigner([generateSecret()]) },
        [{ eventId: 78, attempts: 0, roundAttempts: 0, nextAttemptAt: 0 }],
        new Map([[78, { ...event, id: 78, traceparent: EDGE }]]),
      );
      await tracing.shutdown();
      expect(col.spans.map((s) => s.name)).toEqual(['deliver webhook', 'deliver webhook', 'deliver webhook']);
      const continued = col.spans[2];
      expect(continued).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '00f067aa0ba902b7' });
      expect(s.headers[0]?.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${continued?.spanId}-01`);
      expect(col.spans[0]?.parentSpanId ?? '').toBe('');
      const [ok, failed] = col.spans;
      // The receiver sees the attempt span itself as the parent of whatever it does next.
      expect(sent).toEqual([`00-${ok?.traceId}-${ok?.spanId}-01`, `00-${failed?.traceId}-${failed?.spanId}-01`]);
      expect(attr(ok, 'hookstream.endpoint_id')).toBe('ep_orders');
      expect(attr(ok, 'hookstream.event_id')).toBe(77);
      expect(attr(ok, 'hookstream.attempt')).toBe(3);
      expect(attr(ok, 'http.response.status_code')).toBe(200);
      expect(ok?.status?.code ?? 0).toBe(0);
      expect(attr(failed, 'http.response.status_code')).toBe(503);
      expect(attr(failed, 'hookstream.outcome')).toBe('failed');
      expect(failed?.status?.code).toBe(2);
    } finally {
      await col.close();
    }
  });
});
