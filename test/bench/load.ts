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
  const base = autocannonOptions(opts);
  if ((opts.warmupSec ?? 0) > 0) await autocannon({ ...base, duration: opts.warmupSec });
  const r = await autocannon({ ...base, duration: opts.durationSec });
  return loadResult(r, r.duration);
}

function autocannonOptions(opts: ClosedLoopOptions): autocannon.Options {
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
  return base;
}

function loadResult(r: autocannon.Result, durationSec: number): LoadResult {
  const ok = r['2xx'];
  return {
    okPerSec: ok / durationSec,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationSec,
  };
}

// autocannon's merge of runs made with skipAggregateResult (its latency histograms are added,
// so percentiles stay exact); @types/autocannon does not declare it.
const aggregateResult = (autocannon as unknown as { aggregateResult(results: unknown[], opts: { url: string; connections: number }): autocannon.Result })
  .aggregateResult;

/** The order of the slices: A B B A A B B A … for two sets, so a drift in load falls on both alike. */
export function sliceOrder(sets: number, slices: number): number[] {
  const order: number[] = [];
  for (let s = 0; s < slices; s++) {
    const round = Array.from({ length: sets }, (_, i) => i);
    order.push(...(s % 2 === 0 ? round : round.reverse()));
  }
  return order;
}

export interface InterleavedOptions {
  /** Measured seconds per set, in slices of `sliceSec` (whole seconds: autocannon stops on its 1 s tick). */
  durationSec: number;
  sliceSec: number;
  /** Unmeasured seconds per set before the first slice. */
  warmupSec: number;
  /** CPU time so far (ms) of the processes to charge, by name (the server, the broker, …), read around every slice. */
  meters: Record<string, () => number>;
}

/**
 * Closed loops on several request sets against one server, measured in alternating slices
 * instead of one set after the other: on a machine that other work shares, load that comes and
 * goes then falls on every set alike, so their figures can be set against each other. Each
 * result sums its slices (answers, duration, each meter's CPU) and merges their latency histograms.
 */
export async function interleavedClosedLoops(
  sets: readonly ClosedLoopOptions[],
  opts: InterleavedOptions,
): Promise<Array<LoadResult & { cpuMs: Record<string, number> }>> {
  const bases = sets.map(autocannonOptions);
  for (const base of bases) if (opts.warmupSec > 0) await autocannon({ ...base, duration: opts.warmupSec });
  const slices = Math.max(1, Math.round(opts.durationSec / opts.sliceSec));
  const meters = Object.entries(opts.meters);
  const runs = sets.map(() => ({ results: [] as autocannon.Result[], durationSec: 0, cpuMs: Object.fromEntries(meters.map(([name]) => [name, 0])) }));
  for (const i of sliceOrder(sets.length, slices)) {
    const run = runs[i] as (typeof runs)[number];
    const c0 = meters.map(([, read]) => read());
    const r = await autocannon({ ...(bases[i] as autocannon.Options), duration: opts.sliceSec, skipAggregateResult: true });
    meters.forEach(([name, read], m) => (run.cpuMs[name] = (run.cpuMs[name] ?? 0) + read() - (c0[m] as number)));
    run.results.push(r);
    run.durationSec += r.duration;
  }
  return runs.map((run, i) => {
    const { url, connections } = sets[i] as ClosedLoopOptions;
    return { ...loadResult(aggregateResult(run.results, { url, connections }), Math.round(run.durationSec * 100) / 100), cpuMs: run.cpuMs };
  });
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
export async function openLoop(
  baseUrl: string,
  requests: readonly OpenLoopRequest[],
  ratePerSec: number,
  /** The first `warmup` requests are sent on schedule but left out of the percentiles (they open the sockets). */
  opts: { warmup?: number } = {},
): Promise<OpenLoopResult> {
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
        {
          host: target.hostname,
          port: target.port,
          path: r.path,
          method: 'POST',
          headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
          agent,
          timeout: 10_000,
        },
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
  const warmup = opts.warmup ?? 0;
  const latencies = sentAt.flatMap((s, i) => (i < warmup || answeredAt[i] === undefined ? [] : [(answeredAt[i] as number) - s]));
  // A loop, not Math.max(...sentAt): a fast edge sends more requests than a call takes arguments.
  const last = sentAt.reduce((a, b) => Math.max(a, b), start);
  return {
    sentAt,
    answeredAt,
    statuses,
    latencyP50: percentile(latencies, 50),
    latencyP99: percentile(latencies, 99),
    achievedPerSec: requests.length / Math.max(0.001, (last - start) / 1000),
  };
}
