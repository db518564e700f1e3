import { readTraceparent, type BatchContext } from '@hookstream/kafka';
import { SpanKind, type Span, type Tracing } from '@hookstream/observability';

/** OpenTelemetry's default link limit per span: more would be dropped by the SDK anyway. */
const MAX_LINKS = 128;

/**
 * The span of one partition's batch (`process <topic>`, kind consumer). Its messages carry the
 * edge request's traceparent in their envelope. When they all belong to one trace (one
 * request's events, the usual case below full load) the batch is that trace's child, so one
 * trace runs from the edge request to the transaction; a batch mixing several traces starts its
 * own trace and links to each, as OpenTelemetry's messaging conventions do for batches.
 */
export function batchSpan(tracing: Tracing, ctx: BatchContext): Span {
  const traceparents = [...new Set(ctx.messages.map((m) => readTraceparent(m.value)).filter((t): t is string => t !== undefined))];
  const [first] = traceparents;
  const oneTrace = first !== undefined && traceparents.every((t) => t.slice(3, 35) === first.slice(3, 35));
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': ctx.topic,
    'messaging.destination.partition.id': String(ctx.partition),
  };
  return tracing.startSpan(`process ${ctx.topic}`, {
    kind: SpanKind.CONSUMER,
    attributes,
    ...(oneTrace ? { parent: first, links: traceparents.slice(1, MAX_LINKS + 1) } : { links: traceparents.slice(0, MAX_LINKS) }),
  });
}
