import { describe, expect, it } from 'vitest';
import { createLogger } from '@hookstream/observability';
import { createRejoiner, type RejoinDeps } from './rejoin.js';

function harness(outcomes: Array<'fail' | 'ok'>, running = { value: true }, pause: () => Promise<void> = async () => {}) {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    name: 'rejoin-test',
    level: 'info',
    destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  const slept: number[] = [];
  let joins = 0;
  let lost = 0;
  let wake: () => void = () => {};
  const settled = new Promise<void>((r) => (wake = r));
  const deps: RejoinDeps = {
    join: async () => {
      const outcome = outcomes[joins++] ?? 'ok';
      if (outcome === 'fail') throw new Error('coordinator not available');
      wake();
    },
    onLost: () => void lost++,
    isRunning: () => running.value,
    log,
    sleep: async (ms) => {
      slept.push(ms);
      await pause();
    },
  };
  return { rejoiner: createRejoiner(deps), slept, lines, settled, joins: () => joins, lost: () => lost };
}

describe('createRejoiner', () => {
  it('gives up the partitions at once and joins again with backoff until a join succeeds', async () => {
    const h = harness(['fail', 'fail', 'fail', 'fail', 'ok']);
    h.rejoiner.lost(new Error('rejoin failed'));
    expect(h.lost()).toBe(1);
    expect(h.rejoiner.rejoining()).toBe(true);
    await h.settled;
    await new Promise((r) => setImmediate(r));
    expect(h.joins()).toBe(5);
    expect(h.slept).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(h.rejoiner.rejoining()).toBe(false);
    expect(h.lines.map((l) => l.msg)).toEqual([
      'consumer lost its group membership; joining again',
      ...Array<string>(4).fill('consumer group join failed; retrying'),
      'consumer group joined again',
    ]);
  });

  it('runs one rejoin at a time, however often the library reports the loss', async () => {
    const h = harness(['ok']);
    h.rejoiner.lost(new Error('first'));
    h.rejoiner.lost(new Error('second'));
    await h.settled;
    await new Promise((r) => setImmediate(r));
    expect(h.lost()).toBe(2);
    expect(h.joins()).toBe(1);
  });

  it('stops trying once the consumer is stopped', async () => {
    const running = { value: true };
    const tick = () => new Promise<void>((r) => setImmediate(r));
    const h = harness(Array<'fail'>(100).fill('fail'), running, tick);
    h.rejoiner.lost(new Error('rejoin failed'));
    while (h.joins() < 3) await tick();
    running.value = false;
    for (let i = 0; i < 5; i++) await tick();
    expect(h.joins()).toBeLessThanOrEqual(4);
    expect(h.rejoiner.rejoining()).toBe(false);
  });
});
