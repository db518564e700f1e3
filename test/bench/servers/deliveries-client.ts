/**
 * The deliveries ceiling: a bare client in its own process (as the dispatcher is) posting the
 * dispatcher's bodies with the dispatcher's own HTTP client (createHttpSender: undici, the
 * destination guard, the same agent settings), signed per request as the dispatcher signs each
 * attempt, at a fixed concurrency. No ledger, no Kafka, no delivery state, no attempt log.
 *
 * GET /readyz answers 200; POST /run {targets, events, seed, firstId, concurrency, secret}
 * sends events × targets requests (event by event, each to every target, as the fan-out makes
 * them) and answers what came back.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { createHttpSender, createSigner, deliveryBody, webhookId } from '@hookstream/deliveries';
import { createLogger } from '@hookstream/observability';
import { deliverableEvent } from '../deliveries-workload.js';

export interface ClientRun {
  targets: Array<{ url: string; endpointId: string }>;
  events: number;
  seed: number;
  /** Ledger id of event 0 (ids are consecutive), so webhook-ids look like the dispatcher's. */
  firstId: number;
  concurrency: number;
  secret: string;
}

export interface ClientResult {
  requests: number;
  ok: number;
  failed: number;
  firstError: string | null;
  seconds: number;
  bodyBytes: number;
}

const log = createLogger({ name: 'bench-deliveries-client', level: process.env.LOG_LEVEL ?? 'warn' });

async function run(r: ClientRun): Promise<ClientResult> {
  const sender = createHttpSender({ destinations: { allowPrivate: true, allowHttp: true }, timeoutMs: 15_000 });
  const signer = createSigner([r.secret]);
  const total = r.events * r.targets.length;
  const receivedAt = Date.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  let bodyBytes = 0;
  let firstError: string | null = null;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: r.concurrency }, async () => {
        for (let j = next++; j < total; j = next++) {
          const i = Math.floor(j / r.targets.length);
          const target = r.targets[j % r.targets.length] as ClientRun['targets'][number];
          const id = r.firstId + i;
          const body = JSON.stringify(deliveryBody(deliverableEvent(id, i, r.seed, receivedAt)));
          const headers = signer({ msgId: webhookId(id, target.endpointId), timestampSec: Math.floor(Date.now() / 1000), body });
          bodyBytes += Buffer.byteLength(body);
          const sent = await sender.send(target.url, body, { ...headers });
          if (sent.outcome === 'succeeded') ok++;
          else {
            failed++;
            firstError ??= `${sent.outcome}: ${sent.error ?? sent.status}`;
          }
        }
      }),
    );
  } finally {
    await sender.close();
  }
  return { requests: total, ok, failed, firstError, seconds: (performance.now() - started) / 1000, bodyBytes };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ready"}');
    return;
  }
  if (req.method === 'POST' && req.url === '/run') {
    readJson(req)
      .then((body) => run(body as ClientRun))
      .then(
        (result) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (err: unknown) => {
          log.error({ err }, 'client run failed');
          res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? (err.stack ?? err.message) : String(err));
        },
      );
    return;
  }
  res.writeHead(404).end();
});
// A run takes as long as it takes: no request timeout on the control connection.
server.requestTimeout = 0;

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
