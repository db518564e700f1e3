/** @module observability: pino logging with redaction, Prometheus metrics, graceful shutdown. */
export { createLogger, flatLineLogger, headerRedactPaths, redactUrl, REDACT_PATHS, type Logger, type LoggerSettings } from './logger.js';
export { lazyChildLoggerFactory } from './lazy-child.js';
export { installShutdown, type Closer, type ShutdownOptions } from './shutdown.js';
export { runService } from './run-service.js';
export { createRegistry, Counter, Gauge, Histogram, Registry } from './metrics.js';
export { describeStartupError } from './startup-errors.js';
export {
  disabledTracing,
  endSpan,
  inSpan,
  startTracing,
  traceparentOf,
  SpanKind,
  type Attributes,
  type Span,
  type SpanOptions,
  type Tracing,
} from './tracing/tracing.js';
export { TracingConfigError, tracingSettings, type TracingEnv, type TracingSettings } from './tracing/settings.js';
