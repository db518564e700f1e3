import { describe, expect, it } from 'vitest';
import { renderTable, score, type Figure } from './report.js';
import { parseProducerPerformance } from './sections/kafka-ceiling.js';
import { percentile } from './stats.js';
import { importEvent, importObjects } from './workload.js';

// Pure parts of the benchmark suite (npm run bench); the suite itself is run by hand, not by npm test.
describe('bench: ProducerPerformance summary', () => {
  it('reads the closing summary line, not the periodic ones', () => {
    const out = [
      '[2026-11-23 05:23:40,123] WARN some log4j line',
      '452313 records sent, 90462.6 records/sec (36.84 MB/sec), 220.3 ms avg latency, 512.0 ms max latency.',
      '500000 records sent, 101234.5 records/sec (41.52 MB/sec), 250.12 ms avg latency, 800.00 ms max latency, 230 ms 50th, 600 ms 95th, 700 ms 99th, 790 ms 99.9th.',
    ].join('\n');
    expect(parseProducerPerformance(out, 427)).toEqual({ records: 500000, recordsPerSec: 101234.5, mbPerSec: 41.52, avgLatencyMs: 250.12, p50Ms: 230, p99Ms: 700, recordSize: 427 });
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
    expect(a.slice(0, 4).map((e) => e.subscriptionType)).toEqual(['contact.creation', 'contact.propertyChange', 'contact.propertyChange', 'contact.propertyChange']);
    const b = Array.from({ length: 400 }, (_, i) => importEvent(i, 2));
    expect(a.some((e) => b.some((f) => f.eventId === e.eventId || f.objectId === e.objectId))).toBe(false);
  });
});
