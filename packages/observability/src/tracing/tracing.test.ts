import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TracingConfigError, tracingSettings } from './settings.js';
import { disabledTracing, endSpan, inSpan, startTracing, traceparentOf } from './tracing.js';

const REMOTE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** A loopback OTLP/HTTP JSON collector: every decoded export request body. */
async function collector(): Promise<{ endpoint: string; bodies: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(req.url === '/v1/traces' ? 200 : 404).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes: Array<{ key: string; value: { stringValue?: string } }>;
  status?: { code?: number; message?: string };
}
type Body = {
  resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
};
const spansOf = (bodies: ReadonlyArray<Record<string, unknown>>): ExportedSpan[] =>
  bodies.flatMap((b) => (b as unknown as Body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
const serviceOf = (bodies: ReadonlyArray<Record<string, unknown>>): string | undefined =>
  (bodies[0] as unknown as Body | undefined)?.resourceSpans[0]?.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue;

describe('tracing when OTEL_EXPORTER_OTLP_ENDPOINT is unset', () => {
  it('is the disabled tracing, whose spans are one inert object without a traceparent', () => {
    for (const env of [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: '' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }]) {
      const tracing = startTracing(env, 'hookstream-test');
      expect(tracing).toBe(disabledTracing);
      expect(tracing.enabled).toBe(false);
      const a = tracing.startSpan('a', { parent: REMOTE });
      expect(a).toBe(tracing.startSpan('b'));
      expect(a.isRecording()).toBe(false);
      expect(traceparentOf(a)).toBeUndefined();
    }
  });

  it('reads no other setting (a malformed sampler is not an error while off)', () => {
    expect(tracingSettings({ OTEL_TRACES_SAMPLER: 'bogus' })).toBeUndefined();
  });
});

describe('tracing settings', () => {
  it('appends the traces path to the endpoint, as the specification says', () => {
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })?.url).toBe('http://collector:4318/v1/traces');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example/otlp/' })?.url).toBe('https://c.example/otlp/v1/traces');
  });

  it('reads the batch processor and sampler settings', () => {
    const s = tracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_BSP_SCHEDULE_DELAY: '250',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(s).toMatchObject({ scheduledDelayMillis: 250, maxQueueSize: 100 });
    expect(s?.sampler.toString()).toContain('0.25');
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })?.sampler.toString()).toContain('ParentBased');
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER must be/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: '-5' }, /OTEL_BSP_SCHEDULE_DELAY/],
  ])('refuses %j with a config error naming the setting', (env, message) => {
    expect(() => tracingSettings(env)).toThrowError(TracingConfigError);
    expect(() => tracingSettings(env)).toThrowError(message);
    try {
      tracingSettings(env);
    } catch (err) {
      expect((err as TracingConfigError).code).toBe('CONFIG_INVALID');
    }
  });
});

describe('tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set', () => {
  it('exports over OTLP/HTTP on shutdown: remote parents, children, links, error status without messages', async () => {
    const c = await collector();
    try {
      const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: c.endpoint, OTEL_BSP_SCHEDULE_DELAY: '60000' }, 'hookstream-test');
      expect(tracing.enabled).toBe(true);
      const root = tracing.startSpan('root', { parent: REMOTE, links: [REMOTE.replace('00f067aa0ba902b7', '1111111111111111'), 'garbage'] });
      const tp = traceparentOf(root);
      expect(tp).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      await expect(
        inSpan(tracing, 'child', { parent: root }, async () => {
          throw Object.assign(new Error('row 42 of customer alice@example.com'), { code: 'ER_DUP_ENTRY' });
        }),
      ).rejects.toThrow('alice');
      endSpan(root);
      // Nothing is sent before the (long) export delay: shutdown is what flushes.
      expect(c.bodies).toHaveLength(0);
      await tracing.shutdown();
      const spans = spansOf(c.bodies);
      expect(serviceOf(c.bodies)).toBe('hookstream-test');
      const r = spans.find((s) => s.name === 'root');
      const child = spans.find((s) => s.name === 'child');
      expect(r).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        links: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '1111111111111111' }],
      });
      expect(child).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: r?.spanId, status: { code: 2, message: 'ER_DUP_ENTRY' } });
      expect(JSON.stringify(c.bodies)).not.toContain('alice');
    } finally {
      await c.close();
    }
  });

  it('names the service from OTEL_SERVICE_NAME when set', async () => {
    const c = await collector();
    try {
      const tracing = startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: c.endpoint, OTEL_SERVICE_NAME: 'edge-eu-1' }, 'hookstream-edge');
      endSpan(tracing.startSpan('one'));
      await tracing.shutdown();
      expect(serviceOf(c.bodies)).toBe('edge-eu-1');
    } finally {
      await c.close();
    }
  });
});
