/**
 * Micro-benchmark of parseDelivery on the example `notifications` source, 1- and 100-event
 * bodies, against JSON.parse of the same bytes (the floor any validation sits on). Not a test:
 *   node scripts/bootstrap.mjs run packages/providers/sources/src/parse-delivery.bench.ts
 * Writes one JSON line of figures to stdout.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSourcesFile } from '@hookstream/pipeline';
import { compileSources } from './compile.js';
import { parseDelivery } from './delivery.js';

const example = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'examples', 'sources.yaml');
const source = compileSources(loadSourcesFile(example))[0];
if (!source) throw new Error('example has no sources');

const event = (i: number) => ({
  event_id: 1000 + i,
  timestamp: '2026-01-02T03:04:05.123Z',
  event_type: i % 2 ? 'alert' : 'notification',
  description: `disk ${i} almost full on host-${i}`,
});

function time(fn: () => void, minMs = 1500): number {
  for (let i = 0; i < 2000; i++) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs * 1e6) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return elapsed / n / 1000; // µs per call
}

const results: Record<string, number> = {};
for (const count of [1, 100]) {
  const rawBody = Buffer.from(JSON.stringify(count === 1 ? event(0) : Array.from({ length: count }, (_, i) => event(i))));
  const req = { rawBody, headers: { 'x-api-key': 'dev-notifications-key-0001' }, receivedAt: Date.now() };
  const total = time(() => void parseDelivery(source, req));
  const parse = time(() => void JSON.parse(rawBody.toString('utf8')));
  const verify = time(() => void source.verify({ headers: req.headers, rawBody, nowMs: 0 }));
  results[`events_${count}_parseDelivery_us_per_event`] = +(total / count).toFixed(3);
  results[`events_${count}_json_parse_us_per_event`] = +(parse / count).toFixed(3);
  results[`events_${count}_validation_us_per_event`] = +((total - parse) / count).toFixed(3);
  results[`events_${count}_verify_api_key_us_per_request`] = +verify.toFixed(3);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
