import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got, as it arrived. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What to answer: a status, optionally after a delay, with headers and a body. */
export interface Answer {
  status: number;
  delayMs?: number;
  headers?: Record<string, string>;
  body?: string;
}

/** Decides the answer to the n-th request (1-based) on a path. */
export type Behaviour = (req: Received, n: number) => Answer;

export interface Receiver {
  url(path: string): string;
  /** Every request so far, in arrival order. */
  requests: Received[];
  on(path: string): Received[];
  behave(path: string, b: Behaviour): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for client endpoints: each path is an endpoint with its own
 * programmable behaviour (down, slow, 500 then 200, 410…). Requests are recorded when they
 * arrive, before any delay, so a test sees what was sent even to a slow endpoint.
 */
export async function startReceiver(): Promise<Receiver> {
  const requests: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const got: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(got);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const answer: Answer = (behaviours.get(path) ?? ((): Answer => ({ status: 200 })))(got, n);
      const reply = (): void => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? 'ok');
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  // A slow endpoint's sockets must not keep close() waiting for the delay.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    on: (path) => requests.filter((r) => r.path === path),
    behave: (path, b) => void behaviours.set(path, b),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
