import type { AttemptResult, DeliveryStore } from '@hookstream/deliveries';
import { createLogger } from '@hookstream/observability';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRecorder } from './recorder.js';

const result = (eventId: number, attempt = 1): AttemptResult => ({
  attempt: {
    endpointId: 'ep_orders',
    eventId,
    attempt,
    startedAt: 1_700_000_000_000 + eventId,
    latencyMs: 5,
    outcome: 'succeeded',
    status: 200,
    error: null,
    responseSnippet: null,
  },
  state: 'succeeded',
  roundAttempts: attempt,
  nextAttemptAt: 1_700_000_000_000 + eventId,
});

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

type RecordImpl = (results: readonly AttemptResult[], now: number) => Promise<void>;

/** A DeliveryStore whose only used method, record, is scripted; every call is kept (a copy of its rows). */
function fakeStore(impl: RecordImpl = async () => undefined): { store: DeliveryStore; calls: Array<{ ids: number[]; now: number }> } {
  const calls: Array<{ ids: number[]; now: number }> = [];
  const store = {
    record: (results: readonly AttemptResult[], now: number) => {
      calls.push({ ids: results.map((r) => r.attempt.eventId), now });
      return impl(results, now);
    },
  } as Partial<DeliveryStore> as DeliveryStore;
  return { store, calls };
}

function logger(): { log: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    name: 'recorder-test',
    level: 'debug',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { log, lines };
}

/** Lets pending promise callbacks run (no timers). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

afterEach(() => {
  vi.useRealTimers();
});

describe('createRecorder: batching', () => {
  it('many record() calls within the linger are one store.record call, in call order', async () => {
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log, { lingerMs: 20 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => r.record(result(i))));
    expect(calls).toHaveLength(1);
    expect(calls[0]?.ids).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(typeof calls[0]?.now).toBe('number');
  });

  it('a full batch is written at once, without waiting for the linger', async () => {
    vi.useFakeTimers();
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log, { maxBatch: 4, lingerMs: 60_000 });
    const done = Array.from({ length: 10 }, (_, i) => r.record(result(i)));
    await settle();
    expect(calls.map((c) => c.ids)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    await Promise.all(done.slice(0, 8));
    // The remainder waits for the linger.
    await vi.advanceTimersByTimeAsync(59_999);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(done);
    expect(calls.map((c) => c.ids)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('nothing is written before the linger ends', async () => {
    vi.useFakeTimers();
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log, { lingerMs: 50 });
    let resolved = false;
    void r.record(result(1)).then(() => (resolved = true));
    await vi.advanceTimersByTimeAsync(49);
    expect(calls).toHaveLength(0);
    expect(resolved).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(resolved).toBe(true);
  });

  it('record() resolves only once its batch is in the store', async () => {
    const gate = deferred();
    const { store, calls } = fakeStore(() => gate.promise);
    const r = createRecorder(store, logger().log, { lingerMs: 1 });
    let resolved = false;
    const p = r.record(result(1)).then(() => (resolved = true));
    const flushed = r.flush();
    // flush started the write; the store has not answered yet.
    await settle();
    expect(calls).toHaveLength(1);
    expect(resolved).toBe(false);
    gate.resolve();
    await Promise.all([p, flushed]);
    expect(resolved).toBe(true);
  });
});

describe('createRecorder: flush', () => {
  it('writes what is buffered at once and waits for it', async () => {
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log, { lingerMs: 60_000 });
    const a = r.record(result(1));
    const b = r.record(result(2));
    await r.flush();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2]]);
    await expect(Promise.all([a, b])).resolves.toBeDefined();
  });

  it('with nothing buffered, resolves and writes nothing', async () => {
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log);
    await r.flush();
    expect(calls).toHaveLength(0);
  });

  it('waits for a write already under way', async () => {
    const gate = deferred();
    const { store, calls } = fakeStore(() => gate.promise);
    const r = createRecorder(store, logger().log, { maxBatch: 1 });
    void r.record(result(1));
    let flushed = false;
    const f = r.flush().then(() => (flushed = true));
    await settle();
    expect(calls).toHaveLength(1);
    expect(flushed).toBe(false);
    gate.resolve();
    await f;
    expect(flushed).toBe(true);
  });

  it('cancels the linger timer: the flushed results are not written twice', async () => {
    vi.useFakeTimers();
    const { store, calls } = fakeStore();
    const r = createRecorder(store, logger().log, { lingerMs: 100 });
    void r.record(result(1));
    await r.flush();
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls.map((c) => c.ids)).toEqual([[1]]);
  });
});

describe('createRecorder: failures', () => {
  it('retries a failed write with the same rows, then resolves the waiting records', async () => {
    vi.useFakeTimers();
    let failures = 1;
    const { store, calls } = fakeStore(async () => {
      if (failures-- > 0) throw new Error('database is away');
    });
    const { log, lines } = logger();
    const r = createRecorder(store, log, { lingerMs: 1 });
    let resolved = 0;
    const all = [r.record(result(1)), r.record(result(2))].map((p) => p.then(() => resolved++));
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    expect(resolved).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(all);
    expect(calls.map((c) => c.ids)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(resolved).toBe(2);
    expect(lines.some((l) => l.level === 40 && l.err === 'database is away' && l.results === 2)).toBe(true);
  });

  it('backs off between retries', async () => {
    vi.useFakeTimers();
    let failures = 3;
    const { store, calls } = fakeStore(async () => {
      if (failures-- > 0) throw new Error('down');
    });
    const r = createRecorder(store, logger().log, { lingerMs: 1 });
    const p = r.record(result(1));
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(400);
    expect(calls).toHaveLength(4);
    await p;
  });

  it('gives up after 21 tries and rejects the waiting records with the store error; later records still work', async () => {
    vi.useFakeTimers();
    let broken = true;
    const err = new Error('schema mismatch');
    const { store, calls } = fakeStore(async () => {
      if (broken) throw err;
    });
    const r = createRecorder(store, logger().log, { lingerMs: 1 });
    const p = r.record(result(1));
    const outcome = p.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(200_000);
    expect(await outcome).toBe(err);
    expect(calls).toHaveLength(21);
    broken = false;
    const later = r.record(result(2));
    await vi.advanceTimersByTimeAsync(1);
    await later;
    expect(calls.at(-1)?.ids).toEqual([2]);
  });
});

describe('createRecorder: ordering', () => {
  it('one write at a time: a later batch waits for the earlier one', async () => {
    const gates = [deferred(), deferred()];
    let call = 0;
    const { store, calls } = fakeStore(() => gates[call++]?.promise ?? Promise.resolve());
    const r = createRecorder(store, logger().log, { maxBatch: 2 });
    const first = [r.record(result(1, 1)), r.record(result(2, 1))];
    const second = [r.record(result(1, 2)), r.record(result(2, 2))];
    await settle();
    expect(calls.map((c) => c.ids)).toEqual([[1, 2]]);
    gates[0]?.resolve();
    await Promise.all(first);
    await settle();
    expect(calls.map((c) => c.ids)).toEqual([
      [1, 2],
      [1, 2],
    ]);
    gates[1]?.resolve();
    await Promise.all(second);
  });

  it('a batch being retried still holds back the later ones', async () => {
    vi.useFakeTimers();
    const order: string[] = [];
    let failOnce = true;
    const { store } = fakeStore(async (results) => {
      const tag = results.map((x) => `${x.attempt.eventId}#${x.attempt.attempt}`).join(',');
      if (failOnce) {
        failOnce = false;
        order.push(`fail ${tag}`);
        throw new Error('deadlock');
      }
      order.push(`ok ${tag}`);
    });
    const r = createRecorder(store, logger().log, { maxBatch: 1 });
    const a = r.record(result(7, 1));
    const b = r.record(result(7, 2));
    const c = r.record(result(7, 3));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([a, b, c]);
    expect(order).toEqual(['fail 7#1', 'ok 7#1', 'ok 7#2', 'ok 7#3']);
  });
});
