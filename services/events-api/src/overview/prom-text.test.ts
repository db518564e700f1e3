import { Counter, Gauge, Histogram, createRegistry } from '@hookstream/observability';
import { describe, expect, it } from 'vitest';
import { parsePromText, PromTextError } from './prom-text.js';

describe('parsePromText', () => {
  it("reads prom-client's own page: counters, gauges and a histogram's samples under its family", async () => {
    const registry = createRegistry('test', false);
    new Counter({ name: 'x_total', help: 'h', labelNames: ['provider'], registers: [registry] }).inc({ provider: 'hub"spot\\n' }, 3);
    new Gauge({ name: 'lag', help: 'lag\nwith a newline', labelNames: ['group', 'partition'], registers: [registry] }).set({ group: 'g', partition: '0' }, 7);
    new Histogram({ name: 'seconds', help: 'h', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const families = parsePromText(await registry.metrics());

    expect(families.get('x_total')).toEqual({
      name: 'x_total',
      type: 'counter',
      samples: [{ name: 'x_total', labels: { provider: 'hub"spot\\n', service: 'test' }, value: 3 }],
    });
    expect(families.get('lag')?.samples).toEqual([{ name: 'lag', labels: { group: 'g', partition: '0', service: 'test' }, value: 7 }]);
    const h = families.get('seconds');
    expect(h?.type).toBe('histogram');
    expect(h?.samples.map((s) => [s.name, s.labels.le ?? null, s.value])).toEqual([
      ['seconds_bucket', '0.1', 0],
      ['seconds_bucket', '1', 1],
      ['seconds_bucket', '+Inf', 1],
      ['seconds_sum', null, 0.5],
      ['seconds_count', null, 1],
    ]);
    expect(families.has('seconds_bucket')).toBe(false);
  });

  it('reads escapes, special values, timestamps, CRLF and samples without a TYPE line', () => {
    const text = [
      '# HELP a_total some help',
      '# TYPE a_total counter',
      'a_total{path="C:\\\\dir",msg="say \\"hi\\"\\nbye"} 1.5e3 1700000000000',
      'b +Inf',
      'c{} -Inf\r',
      'd NaN',
      '# a free comment',
      '',
    ].join('\n');
    const f = parsePromText(text);
    expect(f.get('a_total')?.samples[0]).toEqual({ name: 'a_total', labels: { path: 'C:\\dir', msg: 'say "hi"\nbye' }, value: 1500 });
    expect(f.get('b')).toMatchObject({ type: 'untyped', samples: [{ value: Infinity }] });
    expect(f.get('c')?.samples[0]?.value).toBe(-Infinity);
    expect(f.get('d')?.samples[0]?.value).toBeNaN();
  });

  it('reads NaN and Inf in any case, as Prometheus does: prom-client writes a NaN gauge as "Nan"', async () => {
    const registry = createRegistry('test', false);
    new Gauge({ name: 'not_yet', help: 'h', registers: [registry] }).set(NaN);
    expect(await registry.metrics()).toContain('not_yet{service="test"} Nan');
    expect(parsePromText(await registry.metrics()).get('not_yet')?.samples[0]?.value).toBeNaN();
    expect(parsePromText('a nan\nb inf\nc -INF\nd +Inf').get('c')?.samples[0]?.value).toBe(-Infinity);
  });

  it.each([
    ['a value that is not a number', 'x_total 12abc', 'line 1: invalid value "12abc"'],
    ['no value', 'x_total', 'line 1: expected a value (and an optional timestamp) after the name'],
    ['an unterminated label value', 'x{a="b} 1', 'line 1: unterminated value of label a'],
    ['a bad escape', 'x{a="\\t"} 1', 'line 1: invalid escape \\t in label a'],
    ['a label given twice', 'x{a="1",a="2"} 1', 'line 1: label a twice'],
    ['a label without quotes', 'x{a=1} 1', 'line 1: expected ="…" after label a'],
    ['an unknown type', '# TYPE x countr', 'line 1: unknown metric type "countr"'],
    ['a second TYPE line', '# TYPE x counter\n# TYPE x gauge', 'line 2: second TYPE line for x'],
    ['a TYPE after the samples', 'x 1\n# TYPE x gauge', 'line 2: TYPE of x after its samples'],
    ['a bad timestamp', 'x 1 soon', 'line 1: invalid timestamp "soon"'],
    ['an HTML page', '<html><body>502 Bad Gateway</body></html>', 'line 1: expected a metric name'],
    ['a value glued to the labels', 'x{a="1"}1', 'line 1: expected a value (and an optional timestamp) after the name'],
  ])('refuses %s, naming the line', (_what, text, message) => {
    expect(() => parsePromText(text)).toThrow(PromTextError);
    expect(() => parsePromText(text)).toThrow(message);
  });
});
