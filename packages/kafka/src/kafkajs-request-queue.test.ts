import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * kafkajs 2.2.4's request queue, as patches/kafkajs@2.2.4.patch leaves it. Unpatched, every
 * answered request re-armed a 1 ms timer that re-armed itself forever (kafkajs#1704, and Node
 * 24's TimeoutNegativeWarning of kafkajs#1751): about 39 ms of CPU a second for an idle process
 * with one admin and one producer connected, against 4 ms patched.
 */
interface RequestQueue {
  throttleCheckTimeoutId: unknown;
  push(req: { entry: Entry; expectResponse: boolean; sendRequest: () => void }): void;
  fulfillRequest(res: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(ms: number | null): void;
  destroy(): void;
}
interface Entry {
  correlationId: number;
  apiKey: number;
  apiName: string;
  apiVersion: number;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}
type RequestQueueClass = new (opts: Record<string, unknown>) => RequestQueue;

const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as RequestQueueClass;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(maxInFlightRequests: number | null = null): RequestQueue {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:9092', logger: quiet });
}

let ids = 0;
/** A request whose sends are counted and whose answer resolves `answered`. */
function request(): { entry: Entry; expectResponse: boolean; sendRequest: () => void; sent: () => number; answered: Promise<unknown> } {
  let sent = 0;
  let resolve: (v: unknown) => void = () => undefined;
  const answered = new Promise((r) => (resolve = r));
  const entry: Entry = { correlationId: ++ids, apiKey: 3, apiName: 'Metadata', apiVersion: 6, resolve, reject: () => undefined };
  return { entry, expectResponse: true, sendRequest: () => void sent++, sent: () => sent, answered };
}

describe("kafkajs's request queue (patched)", () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  beforeEach(() => {
    warnings.length = 0;
    process.on('warning', onWarning);
  });
  afterEach(() => {
    process.off('warning', onWarning);
    vi.useRealTimers();
  });

  it('arms no timer once an answer leaves nothing pending and no throttle', async () => {
    const q = queue();
    const r = request();
    q.push(r);
    expect(r.sent()).toBe(1);
    q.fulfillRequest({ correlationId: r.entry.correlationId, payload: Buffer.alloc(0), size: 0 });
    await r.answered;
    expect(q.throttleCheckTimeoutId).toBeNull();
    await new Promise((done) => setTimeout(done, 20));
    expect(warnings.filter((w) => w.name === 'TimeoutNegativeWarning')).toEqual([]);
    q.destroy();
  });

  it('still sends a request held by a broker throttle once the throttle ends', () => {
    vi.useFakeTimers();
    const q = queue();
    q.maybeThrottle(50);
    const r = request();
    q.push(r);
    expect(r.sent()).toBe(0);
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    vi.advanceTimersByTime(49);
    expect(r.sent()).toBe(0);
    vi.advanceTimersByTime(2);
    expect(r.sent()).toBe(1);
    q.destroy();
  });

  it('still sends a request held by the in-flight limit when an earlier one is answered', () => {
    const q = queue(1);
    const first = request();
    const second = request();
    q.push(first);
    q.push(second);
    expect([first.sent(), second.sent()]).toEqual([1, 0]);
    q.fulfillRequest({ correlationId: first.entry.correlationId, payload: Buffer.alloc(0), size: 0 });
    expect(second.sent()).toBe(1);
    q.destroy();
  });
});
