import { AppError } from '@hookstream/core';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler, type Sampler } from '@opentelemetry/sdk-trace';

export type TracingEnv = Readonly<Record<string, string | undefined>>;

/** A malformed OTEL_* setting: start-up stops with one line naming it (runService, exit 2). */
export class TracingConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', 500, message, { retryable: false });
  }
}

export interface TracingSettings {
  /** Where spans are POSTed (OTLP/HTTP JSON). */
  url: string;
  sampler: Sampler;
  /** Batch span processor: delay between exports, queue bound. */
  scheduledDelayMillis: number;
  maxQueueSize: number;
}

const value = (env: TracingEnv, key: string): string | undefined => {
  const v = env[key]?.trim();
  return v ? v : undefined;
};

/**
 * The standard OTEL_* settings this project honours, or undefined when tracing is off: no
 * OTEL_EXPORTER_OTLP_ENDPOINT, or OTEL_SDK_DISABLED=true. Headers, timeout, compression and
 * TLS of the export (OTEL_EXPORTER_OTLP_HEADERS, …) and OTEL_SERVICE_NAME /
 * OTEL_RESOURCE_ATTRIBUTES are read by the OpenTelemetry packages themselves.
 */
export function tracingSettings(env: TracingEnv): TracingSettings | undefined {
  const endpoint = value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (!endpoint || value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TracingConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL (got ${JSON.stringify(endpoint)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TracingConfigError('OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL');
  // The spec's rule for the all-signals endpoint: the traces path is appended to it.
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  return {
    url: `${base}v1/traces`,
    sampler: samplerOf(env),
    scheduledDelayMillis: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    maxQueueSize: positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
  };
}

function positiveInt(env: TracingEnv, key: string, fallback: number): number {
  const raw = value(env, key);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new TracingConfigError(`${key} must be a positive integer (got ${JSON.stringify(raw)})`);
  return n;
}

/** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG as the specification names them; default parentbased_always_on. */
function samplerOf(env: TracingEnv): Sampler {
  const name = value(env, 'OTEL_TRACES_SAMPLER')?.toLowerCase() ?? 'parentbased_always_on';
  const ratio = (): Sampler => {
    const raw = value(env, 'OTEL_TRACES_SAMPLER_ARG') ?? '1';
    const r = Number(raw);
    if (!Number.isFinite(r) || r < 0 || r > 1)
      throw new TracingConfigError(`OTEL_TRACES_SAMPLER_ARG must be a ratio between 0 and 1 (got ${JSON.stringify(raw)})`);
    return new TraceIdRatioBasedSampler(r);
  };
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio();
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio() });
    default:
      throw new TracingConfigError(
        `OTEL_TRACES_SAMPLER must be always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio (got ${JSON.stringify(name)})`,
      );
  }
}
