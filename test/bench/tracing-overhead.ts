/**
 * `node scripts/bootstrap.mjs run test/bench/tracing-overhead.ts [requests]`: the edge's cost
 * of tracing, per webhook request, off vs on (docs/tracing.md "Overhead"). One process, the
 * real edge app through inject() (no sockets), a publisher that acknowledges at once (no
 * Kafka), a two-event body; tracing on exports to a loopback collector that drains and answers.
 * Rounds alternate off/on so that a machine whose load changes skews both alike. Reports CPU
 * time per request (what tracing adds to the edge's work; less sensitive to a busy machine
 * than wall time) and wall time per request.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEdgeConfig } from '@hookstream/config';
import { buildEdgeApp, type EventPublisher } from '@hookstream/edge';
import { createLogger, startTracing, disabledTracing, type Tracing } from '@hookstream/observability';
import type { EdgePart } from '@hookstream/pipeline';

const requests = Number(process.argv[2] ?? 20_000);
const rounds = 4;
const log = createLogger({ name: 'tracing-overhead', level: 'silent' });

const part: EdgePart = {
  topics: ['bench.events'],
  routes: [
    {
      url: '/webhooks/bench/:source',
      bodyLimitBytes: 1024 * 1024,
      accept: (req) => {
        const { events } = JSON.parse(req.rawBody.toString('utf8')) as { events: unknown[] };
        return { topic: 'bench.events', messages: events.map((e, i) => ({ key: String(i), value: Buffer.from(JSON.stringify({ v: 2, event: e })) })) };
      },
    },
  ],
};
const publisher: EventPublisher = { publish: async () => undefined, ready: () => true };
const body = JSON.stringify({
  events: [
    { id: 1, type: 'order.created', amount: 12.5 },
    { id: 2, type: 'order.paid', amount: 12.5 },
  ],
});

const collector = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
});
await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;

async function run(tracing: Tracing): Promise<{ cpuUs: number; wallUs: number }> {
  const app = await buildEdgeApp({
    config: loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' }),
    publisher,
    log,
    parts: [{ provider: 'bench', part }],
    tracing,
  });
  const post = () => app.inject({ method: 'POST', url: '/webhooks/bench/orders', payload: body, headers: { 'content-type': 'application/json' } });
  for (let i = 0; i < 500; i++) await post(); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    const r = await post();
    if (r.statusCode !== 200) throw new Error(`answered ${r.statusCode}`);
  }
  const wallNs = Number(process.hrtime.bigint() - t0);
  await tracing.shutdown(); // the export of this round's spans counts as its work
  const cpu = process.cpuUsage(cpu0);
  await app.close();
  return { cpuUs: (cpu.user + cpu.system) / requests, wallUs: wallNs / 1000 / requests };
}

const results: Record<'off' | 'on', Array<{ cpuUs: number; wallUs: number }>> = { off: [], on: [] };
for (let r = 0; r < rounds; r++) {
  results.off.push(await run(disabledTracing));
  results.on.push(await run(startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_MAX_QUEUE_SIZE: '65536' }, 'hookstream-edge')));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const line = (mode: 'off' | 'on') =>
  `${mode.padEnd(4)} cpu ${median(results[mode].map((x) => x.cpuUs)).toFixed(1)} µs/request, wall ${median(results[mode].map((x) => x.wallUs)).toFixed(1)} µs/request`;
process.stdout.write(`${requests} requests x ${rounds} rounds each, medians\n${line('off')}\n${line('on')}\n`);
collector.close();
