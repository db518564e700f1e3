import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliceOrder } from './load.js';
import { renderTable, score, type Figure } from './report.js';
import { perEventComparison } from './sections/edge.js';
import { parseProducerPerformance } from './sections/kafka-ceiling.js';
import { percentile } from './stats.js';
import {
  BENCH_SOURCE,
  BENCH_SOURCE_KEY,
  BENCH_SOURCES_FILE,
  importEvent,
  importObjects,
  notificationEvent,
  sourceDelivery,
  sourceEnvelopesFor,
} from './workload.js';

// Pure parts of the benchmark suite (npm run bench); the suite itself is run by hand, not by npm test.
describe('bench: ProducerPerformance summary', () => {
  it('reads the closing summary line, not the periodic ones', () => {
    const out = [
      '[2026-11-23 05:23:40,123] WARN some log4j line',
      '452313 records sent, 90462.6 records/sec (36.84 MB/sec), 220.3 ms avg latency, 512.0 ms max latency.',
      '500000 records sent, 101234.5 records/sec (41.52 MB/sec), 250.12 ms avg latency, 800.00 ms max latency, 230 ms 50th, 600 ms 95th, 700 ms 99th, 790 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(out, 427)).toEqual({
      records: 500000,
      recordsPerSec: 101234.5,
      mbPerSec: 41.52,
      avgLatencyMs: 250.12,
      p50Ms: 230,
      p99Ms: 700,
      recordSize: 427,
    });
  });

  it('fails loudly when the tool printed no summary', () => {
    expect(() => parseProducerPerformance('Exception in thread "main" org.apache.kafka.common.KafkaException', 427)).toThrow(/no summary line/);
  });
});

describe('bench: scoring', () => {
  const base: Figure = { id: 'x', label: 'x', value: 40, unit: 'req/s', ceiling: 100, higherIsBetter: true, target: { kind: 'minRatio', min: 0.5 } };

  it('scores throughput as value / ceiling and latency as ceiling / value', () => {
    expect(score(base)).toMatchObject({ ratio: 0.4, pass: false });
    expect(score({ ...base, value: 60 })).toMatchObject({ ratio: 0.6, pass: true });
    expect(score({ ...base, value: 20, ceiling: 5, higherIsBetter: false, target: undefined })).toMatchObject({ ratio: 0.25, pass: null });
  });

  it('passes an absolute target only below it, and a missing ceiling never passes a ratio target', () => {
    expect(score({ ...base, ceiling: undefined, value: 999, target: { kind: 'maxValue', max: 1000 } }).pass).toBe(true);
    expect(score({ ...base, ceiling: undefined, value: 1000, target: { kind: 'maxValue', max: 1000 } }).pass).toBe(false);
    expect(score({ ...base, value: Number.POSITIVE_INFINITY, ceiling: undefined, target: { kind: 'maxValue', max: 1000 } }).pass).toBe(false);
    expect(score({ ...base, ceiling: undefined }).pass).toBe(false);
  });

  it('prints one row per figure with its result', () => {
    const table = renderTable([score(base), score({ ...base, id: 'y', label: 'edge y', value: 70 })]);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain('MISS');
    expect(lines[3]).toMatch(/edge y .*70 req\/s .*0\.70 .*pass/);
  });
});

describe('bench: helpers', () => {
  it('alternates interleaved slices A B B A, so a steady drift in load falls on both sets alike', () => {
    expect(sliceOrder(2, 5)).toEqual([0, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
    expect(sliceOrder(1, 3)).toEqual([0, 0, 0]);
  });

  it('takes nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
  });

  it('makes an import-like stream: 4 events per contact, distinct eventIds, seeds never collide', () => {
    const a = Array.from({ length: 400 }, (_, i) => importEvent(i, 1));
    expect(new Set(a.map((e) => e.eventId)).size).toBe(400);
    expect(importObjects(400, 1)).toHaveLength(100);
    expect(a.slice(0, 4).map((e) => e.subscriptionType)).toEqual([
      'contact.creation',
      'contact.propertyChange',
      'contact.propertyChange',
      'contact.propertyChange',
    ]);
    const b = Array.from({ length: 400 }, (_, i) => importEvent(i, 2));
    expect(a.some((e) => b.some((f) => f.eventId === e.eventId || f.objectId === e.objectId))).toBe(false);
  });
});

describe('bench: sources route workload', () => {
  const bytes = (e: unknown) => Buffer.byteLength(JSON.stringify(e));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('makes notifications the schema accepts, with distinct event_ids that never collide across seeds', () => {
    const a = Array.from({ length: 400 }, (_, i) => notificationEvent(i, 22));
    expect(new Set(a.map((e) => e.event_id)).size).toBe(400);
    for (const e of a) {
      expect(Object.keys(e).sort()).toEqual(['description', 'event_id', 'event_type', 'timestamp']);
      expect(Number.isInteger(e.event_id) && e.event_id >= 0).toBe(true);
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
      expect(['notification', 'alert']).toContain(e.event_type);
    }
    expect(a.filter((e) => e.event_type === 'alert')).toHaveLength(100);
    const b = Array.from({ length: 400 }, (_, i) => notificationEvent(i, 23));
    expect(a.some((e) => b.some((f) => f.event_id === e.event_id))).toBe(false);
  });

  it('keeps an event about as long as an import event, so per-event figures compare like with like', () => {
    const sources = mean(Array.from({ length: 400 }, (_, i) => bytes(notificationEvent(i, 22))));
    const hubspot = mean(Array.from({ length: 400 }, (_, i) => bytes(importEvent(i, 12))));
    expect(Math.abs(sources / hubspot - 1)).toBeLessThan(0.05);
  });

  it('sends one event as an object and more as an array, with the key the bench sources file declares', () => {
    const one = sourceDelivery([notificationEvent(0, 22)]);
    expect(JSON.parse(one.body)).toEqual(notificationEvent(0, 22));
    expect(JSON.parse(sourceDelivery([notificationEvent(0, 22), notificationEvent(1, 22)]).body)).toHaveLength(2);
    expect(one.headers['x-api-key']).toBe(BENCH_SOURCE_KEY);
    const file = readFileSync(join(import.meta.dirname, '..', '..', BENCH_SOURCES_FILE), 'utf8');
    expect(file).toContain(`name: ${BENCH_SOURCE}`);
    expect(file).toContain(BENCH_SOURCE_KEY);
  });

  it('sizes the sources envelope (v2) from the event and its ledger fields', () => {
    const [m] = sourceEnvelopesFor([notificationEvent(0, 22)], 1, 'r');
    expect(m?.key).toBe(`${BENCH_SOURCE}:2200000001`);
    expect(JSON.parse(m?.value.toString('utf8') ?? '')).toMatchObject({
      v: 2,
      provider: 'sources',
      source: BENCH_SOURCE,
      eventId: '2200000001',
      idempotencyKey: '2200000001',
      occurredAt: Date.parse(notificationEvent(0, 22).timestamp),
      event: notificationEvent(0, 22),
    });
  });

  it('compares the routes per event as sources events/s over HubSpot events/s, with CPU per event in the note', () => {
    const run = (okPerSec: number, cpuUsPerRequest: number, brokerCpuUsPerRequest: number) => ({
      okPerSec,
      cpuUsPerRequest,
      brokerCpuUsPerRequest,
      p50: 1,
      p99: 2,
      ok: 1,
      non2xx: 0,
      errors: 0,
      timeouts: 0,
      durationSec: 10,
    });
    const f = score(perEventComparison(100, run(600, 1500, 900), run(700, 1200, 800)));
    expect(f).toMatchObject({ id: 'edge.sources.vsHubspot.100event', value: 60_000, ceiling: 70_000, ratio: 0.857, pass: false });
    expect(f.note).toContain('Edge CPU per event: sources 15 µs, HubSpot 12 µs');
    expect(f.note).toContain('broker CPU per event: sources 9 µs, HubSpot 8 µs');
    expect(score(perEventComparison(1, run(7000, 60, 20), run(7000, 60, 20))).pass).toBe(true);
  });
});
