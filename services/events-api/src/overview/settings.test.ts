import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { loadOverviewSettings } from './settings.js';

describe('loadOverviewSettings', () => {
  it('defaults to no targets every 15 s; empty strings count as unset', () => {
    expect(loadOverviewSettings({})).toEqual({ METRICS_TARGETS: [], METRICS_SCRAPE_INTERVAL_MS: 15_000 });
    expect(loadOverviewSettings({ METRICS_TARGETS: '', METRICS_SCRAPE_INTERVAL_MS: '' })).toEqual({ METRICS_TARGETS: [], METRICS_SCRAPE_INTERVAL_MS: 15_000 });
  });

  it('reads a comma-separated list of http(s) URLs and an interval in ms', () => {
    expect(loadOverviewSettings({ METRICS_TARGETS: ' http://edge:8080/metrics, https://p1:9100/metrics ,', METRICS_SCRAPE_INTERVAL_MS: '5000' })).toEqual({
      METRICS_TARGETS: ['http://edge:8080/metrics', 'https://p1:9100/metrics'],
      METRICS_SCRAPE_INTERVAL_MS: 5000,
    });
  });

  it.each([
    [{ METRICS_TARGETS: 'http://a/metrics,edge:8080' }, 'METRICS_TARGETS: entry 2 must be an http(s) URL without credentials'],
    [{ METRICS_TARGETS: 'http://user:secret@a/metrics' }, 'METRICS_TARGETS: entry 1 must be an http(s) URL without credentials'],
    [{ METRICS_TARGETS: 'http://a/metrics,http://a/metrics' }, 'METRICS_TARGETS: lists a URL twice'],
    [{ METRICS_SCRAPE_INTERVAL_MS: '999' }, 'METRICS_SCRAPE_INTERVAL_MS: must be milliseconds from 1000 to 300000'],
    [{ METRICS_SCRAPE_INTERVAL_MS: '15s' }, 'METRICS_SCRAPE_INTERVAL_MS: must be milliseconds from 1000 to 300000'],
  ])('refuses %j with one line naming the setting, never the value', (env, message) => {
    expect(() => loadOverviewSettings(env)).toThrow(new ConfigError(message));
    expect(() => loadOverviewSettings(env)).toThrow(message);
  });
});
