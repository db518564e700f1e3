import type { Registry } from '@hookstream/observability';

/** Where one page of Prometheus text comes from. */
export interface MetricsTarget {
  /** Shown in target health: host, port and path, never credentials. */
  name: string;
  read(signal: AbortSignal): Promise<string>;
}

/** A process's GET /metrics over HTTP; any answer but a 200 is a failure. */
export function httpTarget(url: string): MetricsTarget {
  const u = new URL(url);
  return {
    name: `${u.host}${u.pathname}`,
    async read(signal) {
      const res = await fetch(u, { signal, headers: { accept: 'text/plain' } });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status}`);
      }
      return res.text();
    },
  };
}

/** events-api's own registry, read in-process (METRICS_TARGETS unset). */
export function registryTarget(name: string, registry: Registry): MetricsTarget {
  return { name, read: () => registry.metrics() };
}

/** What a failed scrape says in target health: short, without a stack. */
export function describeScrapeError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  // fetch says only "fetch failed"; what happened is its cause (a socket error code, "bad port"…).
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code === 'ECONNREFUSED' ? 'connection refused' : cause.code;
  if (cause && typeof cause.message === 'string' && cause.message !== '') return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** events-api's own registry, always (in-process), then each METRICS_TARGETS URL. */
export function overviewTargets(urls: readonly string[], own: Registry): MetricsTarget[] {
  return [registryTarget('events-api (this process)', own), ...urls.map(httpTarget)];
}
