import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalesce.js';

interface Flush {
  topic: string;
  messages: string[];
  timeoutMs: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

function harness(opts = { maxInFlight: 1, maxBatchBytes: 1000 }) {
  const flushes: Flush[] = [];
  const c = createCoalescer<string>(
    (topic, messages, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        flushes.push({ topic, messages: [...messages], timeoutMs, resolve, reject });
      }),
    opts,
  );
  return { c, flushes };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

function track(p: Promise<void>) {
  const state = { settled: 'pending' as 'pending' | 'resolved' | 'rejected' };
  p.then(
    () => (state.settled = 'resolved'),
    () => (state.settled = 'rejected'),
  );
  return state;
}

describe('createCoalescer', () => {
  it('sends an idle topic’s first call on its own, in the same event-loop turn', async () => {
    const { c, flushes } = harness();
    const a = track(c.submit('t', ['a1', 'a2'], 10, 4000));
    await turn();
    expect(flushes.map((f) => f.messages)).toEqual([['a1', 'a2']]);
    expect(a.settled).toBe('pending');
    flushes[0]?.resolve();
    await turn();
    expect(a.settled).toBe('resolved');
  });

  it('merges calls that arrive while a send is in flight, in order, and answers each only with its own send', async () => {
    const { c, flushes } = harness();
    const a = track(c.submit('t', ['a'], 10, 4000));
    await turn();
    const b = track(c.submit('t', ['b1', 'b2'], 10, 4000));
    const d = track(c.submit('t', ['d'], 10, 3000));
    await turn();
    expect(flushes).toHaveLength(1);
    flushes[0]?.resolve();
    await turn();
    expect(a.settled).toBe('resolved');
    expect(b.settled).toBe('pending');
    expect(flushes.map((f) => f.messages)).toEqual([['a'], ['b1', 'b2', 'd']]);
    expect(flushes[1]?.timeoutMs).toBe(4000);
    flushes[1]?.resolve();
    await turn();
    expect([b.settled, d.settled]).toEqual(['resolved', 'resolved']);
  });

  it('rejects only the callers whose send failed', async () => {
    const { c, flushes } = harness();
    const a = track(c.submit('t', ['a'], 10, 4000));
    await turn();
    const b = track(c.submit('t', ['b'], 10, 4000));
    flushes[0]?.reject(new Error('broker down'));
    await turn();
    await turn();
    expect(a.settled).toBe('rejected');
    expect(b.settled).toBe('pending');
    flushes[1]?.resolve();
    await turn();
    expect(b.settled).toBe('resolved');
  });

  it('keeps merged sends under maxBatchBytes and never splits one call', async () => {
    const { c, flushes } = harness({ maxInFlight: 1, maxBatchBytes: 100 });
    void c.submit('t', ['first'], 10, 4000);
    await turn();
    void c.submit('t', ['x1'], 60, 4000);
    void c.submit('t', ['x2'], 60, 4000);
    void c.submit('t', ['huge1', 'huge2'], 500, 4000);
    flushes[0]?.resolve();
    await turn();
    flushes[1]?.resolve();
    await turn();
    flushes[2]?.resolve();
    await turn();
    expect(flushes.map((f) => f.messages)).toEqual([['first'], ['x1'], ['x2'], ['huge1', 'huge2']]);
  });

  it('lets up to maxInFlight sends run at once and keeps topics apart', async () => {
    const { c, flushes } = harness({ maxInFlight: 2, maxBatchBytes: 1000 });
    void c.submit('t', ['a'], 10, 4000);
    await turn();
    void c.submit('t', ['b'], 10, 4000);
    void c.submit('u', ['u1'], 10, 4000);
    await turn();
    void c.submit('t', ['c'], 10, 4000);
    await turn();
    expect(flushes.map((f) => `${f.topic}:${f.messages.join(',')}`)).toEqual(['t:a', 't:b', 'u:u1']);
    flushes[0]?.resolve();
    await turn();
    expect(flushes.map((f) => `${f.topic}:${f.messages.join(',')}`)).toEqual(['t:a', 't:b', 'u:u1', 't:c']);
  });
});
