/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), the format every
 * service's GET /metrics answers (prom-client). Strict on purpose: a page it cannot read is an
 * error naming the line, so a target that answers something else is shown as failing rather
 * than silently charted as zero. No npm parser was kept up to date enough to depend on, and
 * the format is small.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  /** The sample's own name (a histogram's `x_bucket`, `x_sum`, `x_count`). */
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  samples: Sample[];
}

export class PromTextError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'PromTextError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** The families of one page, by name; samples without a `# TYPE` line are `untyped`. */
export function parsePromText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      readComment(line, i + 1, families);
      continue;
    }
    const sample = readSample(line, i + 1);
    familyOf(sample.name, families).samples.push(sample);
  }
  return families;
}

function readComment(line: string, n: number, families: Map<string, MetricFamily>): void {
  const m = /^#\s+(TYPE|HELP)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!m || m[1] !== 'TYPE') return; // HELP and free comments carry nothing to chart
  const name = m[2] ?? '';
  const type = (m[3] ?? '').trim();
  if (!NAME.test(name) || NAME.exec(name)?.[0] !== name) throw new PromTextError(n, `invalid metric name in TYPE: ${JSON.stringify(name)}`);
  if (!TYPES.has(type)) throw new PromTextError(n, `unknown metric type ${JSON.stringify(type)}`);
  const existing = families.get(name);
  if (existing && existing.samples.length > 0) throw new PromTextError(n, `TYPE of ${name} after its samples`);
  if (existing && existing.type !== 'untyped') throw new PromTextError(n, `second TYPE line for ${name}`);
  families.set(name, { name, type: type as MetricType, samples: existing?.samples ?? [] });
}

/** The family a sample belongs to: its own name, or a histogram's/summary's base name. */
function familyOf(sampleName: string, families: Map<string, MetricFamily>): MetricFamily {
  const own = families.get(sampleName);
  if (own) return own;
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = families.get(sampleName.slice(0, -suffix.length));
      if (base?.type === type) return base;
    }
  }
  const family: MetricFamily = { name: sampleName, type: 'untyped', samples: [] };
  families.set(sampleName, family);
  return family;
}

function readSample(line: string, n: number): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new PromTextError(n, 'expected a metric name');
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const read = readLabels(rest, n);
    labels = read.labels;
    rest = rest.slice(read.length);
  }
  const parts = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || parts.length < 1 || parts.length > 2) throw new PromTextError(n, 'expected a value (and an optional timestamp) after the name');
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new PromTextError(n, `invalid timestamp ${JSON.stringify(parts[1])}`);
  return { name, labels, value: readValue(parts[0] ?? '', n) };
}

/** `{a="x",b="y"}` with `\\`, `\"` and `\n` escapes; returns the labels and how many characters they took. */
function readLabels(s: string, n: number): { labels: Record<string, string>; length: number } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (s[i] === ' ') i++;
    if (s[i] === '}') return { labels, length: i + 1 };
    const key = LABEL_NAME.exec(s.slice(i))?.[0];
    if (!key) throw new PromTextError(n, 'expected a label name');
    i += key.length;
    if (s[i] !== '=' || s[i + 1] !== '"') throw new PromTextError(n, `expected ="…" after label ${key}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw new PromTextError(n, `unterminated value of label ${key}`);
      i++;
      if (c === '"') break;
      if (c !== '\\') {
        value += c;
        continue;
      }
      const e = s[i++];
      if (e === 'n') value += '\n';
      else if (e === '\\' || e === '"') value += e;
      else throw new PromTextError(n, `invalid escape \\${e ?? ''} in label ${key}`);
    }
    if (Object.hasOwn(labels, key)) throw new PromTextError(n, `label ${key} twice`);
    labels[key] = value;
    while (s[i] === ' ') i++;
    if (s[i] === ',') i++;
    else if (s[i] !== '}') throw new PromTextError(n, 'expected , or } after a label');
  }
}

/** A float as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case; prom-client writes "Nan". */
function readValue(s: string, n: number): number {
  const special = s.toLowerCase();
  if (special === 'nan') return NaN;
  if (special === 'inf' || special === '+inf' || special === 'infinity' || special === '+infinity') return Infinity;
  if (special === '-inf' || special === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new PromTextError(n, `invalid value ${JSON.stringify(s)}`);
  return Number(s);
}
