import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadEdgeConfig } from '@hookstream/config';
import { AppError } from '@hookstream/core';
import type { OutboundMessage } from '@hookstream/kafka';
import { createLogger, createRegistry, type Registry } from '@hookstream/observability';
import type { EdgePart } from '@hookstream/pipeline';
import { buildEdgeApp, type HostedEdgePart } from '../app.js';
import type { EdgeArchive } from '../archive.js';
import type { EventPublisher } from '../publisher.js';

/** The stub provider's credential header: what its redact() would name. */
export const STUB_KEY_HEADER = 'x-stub-key';
export const STUB_KEY = 'stub-key-0123456789abcdef';
/** A fixed clock: partitions and receivedAt are known. 2026-01-22T11:39:54.066Z. */
export const NOW = 1_769_081_994_066;

/**
 * A provider of a few lines for the edge's own tests: `POST /webhooks/<id>/:source` with an API
 * key header, a JSON body `{events: [...]}` (422 otherwise), one message per event; the path's
 * `:source` becomes the archive source unless it is `-` (then the provider id, the default).
 */
export function stubPart(id: string): EdgePart {
  return {
    topics: [`${id}.events`],
    routes: [
      {
        url: `/webhooks/${id}/:source`,
        bodyLimitBytes: 2 * 1024 * 1024,
        accept(req) {
          if (req.headers[STUB_KEY_HEADER] !== STUB_KEY) throw new AppError('UNAUTHORIZED', 401, 'missing or wrong API key');
          const events = parseEvents(req.rawBody);
          const source = req.params.source;
          return {
            topic: `${id}.events`,
            messages: events.map((e, i): OutboundMessage => ({ key: `${id}:${i}`, value: Buffer.from(JSON.stringify(e)) })),
            ...(source && source !== '-' ? { source } : {}),
          };
        },
      },
    ],
  };
}

function parseEvents(body: Buffer): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 400, 'body is not JSON');
  }
  const events = (json as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0)
    throw new AppError('INVALID_EVENT', 422, 'events must be a non-empty array', { errors: [{ path: '/events', message: 'required' }] });
  return events;
}

export class RecordingPublisher implements EventPublisher {
  batches: OutboundMessage[][] = [];
  failWith: Error | undefined;
  async publish(_topic: string, messages: readonly OutboundMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.batches.push([...messages]);
  }
  ready(): boolean {
    return true;
  }
}

export interface StubEdge {
  app: FastifyInstance;
  publisher: RecordingPublisher;
  registry: Registry;
  /** The edge's log lines (JSON), to check that no secret or payload is logged. */
  lines: string[];
}

/** An edge hosting the stub providers `ids` (each with its credential header), archiving into `archive`. */
export async function stubEdge(ids: readonly string[], archive: EdgeArchive | undefined): Promise<StubEdge> {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger({ name: 'edge-archive-test', level: 'info', destination });
  const publisher = new RecordingPublisher();
  const registry = createRegistry('edge', false);
  const parts: HostedEdgePart[] = ids.map((id) => ({ provider: id, part: stubPart(id), secretHeaders: [STUB_KEY_HEADER] }));
  const app = await buildEdgeApp({
    config: loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' }),
    publisher,
    log,
    now: () => NOW,
    registry,
    parts,
    ...(archive ? { archive } : {}),
  });
  return { app, publisher, registry, lines };
}

/** A signed (keyed) POST to a stub provider's route. */
export function postStub(app: FastifyInstance, id: string, source: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/webhooks/${id}/${source}?via=test`,
    payload: body,
    headers: { 'content-type': 'application/json', [STUB_KEY_HEADER]: STUB_KEY, ...headers },
  });
}
