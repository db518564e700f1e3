import { request as httpRequest, Agent } from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './stats.js';

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ClosedLoopOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests cycled through by every connection instead of one fixed request. */
  requests?: ReadonlyArray<LoadRequest>;
  /** Connection i cycles through its own requests (unique events per connection). */
  requestsOfConnection?: (i: number) => LoadRequest[];
  connections: number;
  durationSec: number;
  /** A short unmeasured run first, so JIT and connection set-up stay out of the figure. */
  warmupSec?: number;
}

export interface LoadResult {
  /** 2xx answers per second over the measured run. */
  okPerSec: number;
  /** Latency in ms over every answer. */
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
}

/**
 * A closed loop: `connections` keep-alive connections each sending the next request as soon as
 * the previous one is answered (autocannon). Its throughput is the server's maximum at that
 * concurrency and its latencies include the queueing that maximum brings.
 */
export async function closedLoop(opts: ClosedLoopOptions): Promise<LoadResult> {
  const base: autocannon.Options = {
    url: opts.url,
    method: opts.method ?? 'GET',
    connections: opts.connections,
    pipelining: 1,
    timeout: 10,
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    ...(opts.requests ? { requests: opts.requests.map((r) => ({ ...r })) } : {}),
  };
  if (opts.requestsOfConnection) {
    const of = opts.requestsOfConnection;
    let next = 0;
    base.requests = of(0);
    base.setupClient = (client) => client.setRequests(of(next++ % opts.connections));
  }
  if ((opts.warmupSec ?? 0) > 0) await autocannon({ ...base, duration: opts.warmupSec });
  const r = await autocannon({ ...base, duration: opts.durationSec });
  const ok = r['2xx'];
  return {
    okPerSec: ok / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec: r.duration,
  };
}

export interface OpenLoopRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface OpenLoopResult {
  /** Send and answer times (epoch ms) per request index; answered is undefined if it failed. */
  sentAt: number[];
  answeredAt: Array<number | undefined>;
  statuses: number[];
  latencyP50: number;
  latencyP99: number;
  achievedPerSec: number;
}

/**
 * An open loop: request i is sent at start + i/rate whatever the answers do, so a slow server
 * shows up as latency, not as a lower offered load (no coordinated omission). Bounded by the
 * number of requests given.
 */
export async function openLoop(baseUrl: string, requests: readonly OpenLoopRequest[], ratePerSec: number): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const target = new URL(baseUrl);
  const sentAt: number[] = new Array(requests.length).fill(0);
  const answeredAt: Array<number | undefined> = new Array(requests.length).fill(undefined);
  const statuses: number[] = new Array(requests.length).fill(0);
  const send = (i: number): Promise<void> =>
    new Promise((done) => {
      const r = requests[i] as OpenLoopRequest;
      sentAt[i] = Date.now();
      const req = httpRequest(
        { host: target.hostname, port: target.port, path: r.path, method: 'POST', headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) }, agent, timeout: 10_000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            statuses[i] = res.statusCode ?? 0;
            if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) answeredAt[i] = Date.now();
            done();
          });
        },
      );
      req.on('error', () => done());
      req.on('timeout', () => req.destroy());
      req.end(r.body);
    });

  const start = Date.now();
  const inflight: Array<Promise<void>> = [];
  let next = 0;
  await new Promise<void>((finish) => {
    const tick = (): void => {
      const due = Math.min(requests.length, Math.floor(((Date.now() - start) / 1000) * ratePerSec) + 1);
      while (next < due) inflight.push(send(next++));
      if (next >= requests.length) finish();
      else setTimeout(tick, 1);
    };
    tick();
  });
  await Promise.all(inflight);
  agent.destroy();
  const latencies = sentAt.flatMap((s, i) => (answeredAt[i] === undefined ? [] : [(answeredAt[i] as number) - s]));
  const last = Math.max(...sentAt);
  return {
    sentAt,
    answeredAt,
    statuses,
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    achievedPerSec: requests.length / Math.max(0.001, (last - start) / 1000),
  };
}
