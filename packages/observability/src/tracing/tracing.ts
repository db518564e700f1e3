import {
  INVALID_SPAN_CONTEXT,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  trace,
  type Attributes,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { tracingSettings, type TracingEnv } from './settings.js';

export { SpanKind, type Attributes, type Span };

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** A span of this process, or a W3C traceparent from another one (an envelope's). Absent: a new trace. */
  parent?: Span | string;
  /** Traceparents this span relates to without being their child (a batch's other messages). */
  links?: readonly string[];
}

/**
 * The service's tracer, passed as a value. Spans are always started with an explicit parent
 * (no context manager, no monkey-patching): a call site sees what its span hangs from.
 */
export interface Tracing {
  /** False when OTEL_EXPORTER_OTLP_ENDPOINT is unset: every span is the same inert object. */
  readonly enabled: boolean;
  startSpan(name: string, options?: SpanOptions): Span;
  /** Exports what is buffered and stops; a closer of installShutdown. */
  shutdown(): Promise<void>;
}

// One inert span for every call while tracing is off: nothing is allocated per request.
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

export const disabledTracing: Tracing = Object.freeze({
  enabled: false,
  startSpan: () => NOOP_SPAN,
  shutdown: async () => undefined,
});

/**
 * Tracing for one service: an OTLP/HTTP exporter behind a batch span processor when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, otherwise `disabledTracing`. `serviceName` is the
 * default of OTEL_SERVICE_NAME (which wins when set).
 */
export function startTracing(env: TracingEnv, serviceName: string): Tracing {
  const settings = tracingSettings(env);
  if (!settings) return disabledTracing;
  // OTEL_SERVICE_NAME beats OTEL_RESOURCE_ATTRIBUTES' service.name, which beats the default.
  const named = env.OTEL_SERVICE_NAME?.trim();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': serviceName }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(named ? resourceFromAttributes({ 'service.name': named }) : null);
  const processor = new BatchSpanProcessor({
    exporter: new OTLPTraceExporter({ url: settings.url }),
    scheduledDelayMillis: settings.scheduledDelayMillis,
    maxQueueSize: settings.maxQueueSize,
  });
  const provider = new TracerProvider({ resource, sampler: settings.sampler, spanProcessors: [processor] });
  const tracer = provider.getTracer('hookstream');
  return {
    enabled: true,
    startSpan: (name, options = {}) => start(tracer, name, options),
    shutdown: () => provider.shutdown(),
  };
}

function start(tracer: Tracer, name: string, { kind, attributes, parent, links }: SpanOptions): Span {
  const parentContext =
    typeof parent === 'string'
      ? withRemoteParent(parent)
      : parent && isSpanContextValid(parent.spanContext())
        ? trace.setSpan(ROOT_CONTEXT, parent)
        : ROOT_CONTEXT;
  const spanLinks = (links ?? []).flatMap((tp): Link[] => {
    const context = remoteSpanContext(tp);
    return context ? [{ context }] : [];
  });
  return tracer.startSpan(name, { ...(kind === undefined ? {} : { kind }), ...(attributes ? { attributes } : {}), links: spanLinks }, parentContext);
}

const withRemoteParent = (traceparent: string) => {
  const context = remoteSpanContext(traceparent);
  return context ? trace.setSpanContext(ROOT_CONTEXT, context) : ROOT_CONTEXT;
};

function remoteSpanContext(traceparent: string): SpanContext | undefined {
  const context = parseTraceParent(traceparent);
  return context && isSpanContextValid(context) ? { ...context, isRemote: true } : undefined;
}

/** The W3C traceparent naming `span` as the parent, or undefined for an inert span (tracing off). */
export function traceparentOf(span: Span): string | undefined {
  const c = span.spanContext();
  if (!isSpanContextValid(c)) return undefined;
  return `00-${c.traceId}-${c.spanId}-0${(c.traceFlags & 1).toString(16)}`;
}

/**
 * Ends a span, marking it failed when `err` is given. Only the error's code (or class name) is
 * recorded, never its message: messages can quote event values or database rows.
 */
export function endSpan(span: Span, err?: unknown): void {
  if (err !== undefined) {
    const e = err as { code?: unknown; name?: unknown };
    const type = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error';
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  }
  span.end();
}

/** Runs `fn` inside a span that ends with it (failed if `fn` throws). */
export async function inSpan<T>(tracing: Tracing, name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = tracing.startSpan(name, options);
  try {
    const result = await fn(span);
    endSpan(span);
    return result;
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
}
