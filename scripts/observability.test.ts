import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dir = join(root, 'deploy', 'observability');

/** Every metric name a service of this repository registers (`name: 'hookstream_…'` or a counter('hookstream_…') helper). */
function exportedMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.test.ts'))
        for (const m of readFileSync(p, 'utf8').matchAll(/['"`](hookstream_[a-z0-9_]+)['"`]/g)) names.add(m[1] as string);
    }
  };
  for (const top of ['packages', 'services']) walk(join(root, top));
  return names;
}

/** Metric names an expression reads, histogram suffixes folded onto their metric. */
function metricsIn(expr: string): string[] {
  return [...new Set([...expr.matchAll(/\b(hookstream_[a-z0-9_]+)/g)].map((m) => (m[1] as string).replace(/_(bucket|sum|count)$/, '')))];
}

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string };
}

const rules = (parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as {
  uid: string;
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};
const exported = exportedMetrics();

describe('alert rules and dashboard', () => {
  it('covers what operators page on: lag, dead letters, signature failures, pending enrichment, disabled endpoints', () => {
    const all = rules.map((r) => r.expr).join('\n');
    for (const metric of [
      'hookstream_kafka_consumer_lag',
      'hookstream_processor_dead_lettered_total',
      'hookstream_edge_webhooks_refused_total',
      'hookstream_hubspot_enrichment_pending',
      'hookstream_delivery_endpoints',
    ])
      expect(all).toContain(metric);
    for (const r of rules) {
      expect(r.alert).toMatch(/^Hookstream[A-Za-z]+$/);
      expect(['info', 'warning', 'critical']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
    }
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
  });

  it('reads only metrics the services export, so a rename cannot silently disarm an alert or blank a panel', () => {
    const exprs = [
      ...rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr })),
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel ${p.title}`, expr: t.expr }))),
    ];
    const missing = exprs.flatMap(({ where, expr }) =>
      metricsIn(expr)
        .filter((m) => !exported.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(missing).toEqual([]);
    expect(exprs.length).toBeGreaterThan(15);
  });

  it('the check itself finds an unknown metric', () => {
    expect(metricsIn('rate(hookstream_no_such_metric_total[5m]) + hookstream_edge_produce_seconds_bucket').filter((m) => !exported.has(m))).toEqual([
      'hookstream_no_such_metric_total',
    ]);
  });
});
