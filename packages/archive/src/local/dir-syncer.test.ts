import { describe, expect, it } from 'vitest';
import { createDirSyncer } from './atomic-file.js';

/** A fake fsync that records when each call started and lets the test finish it. */
function controlledSync() {
  const calls: Array<{ dir: string; finish: (err?: Error) => void }> = [];
  const sync = (dir: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ dir, finish: (err) => (err ? reject(err) : resolve()) });
    });
  return { calls, sync };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('createDirSyncer', () => {
  it('runs one fsync at a time per directory; writers arriving meanwhile share the next one', async () => {
    const { calls, sync } = controlledSync();
    const syncDir = createDirSyncer(sync);
    const first = syncDir('/a');
    const second = syncDir('/a');
    const third = syncDir('/a');
    await tick();
    expect(calls.map((c) => c.dir)).toEqual(['/a']);
    expect(second).toBe(third);
    calls[0]?.finish();
    await first;
    await tick();
    // The queued fsync starts only after the running one, so it covers renames made meanwhile.
    expect(calls).toHaveLength(2);
    let done = false;
    void second.then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    calls[1]?.finish();
    await Promise.all([second, third]);
    expect(calls).toHaveLength(2);
  });

  it('keeps directories apart', async () => {
    const { calls, sync } = controlledSync();
    const syncDir = createDirSyncer(sync);
    const a = syncDir('/a');
    const b = syncDir('/b');
    await tick();
    expect(calls.map((c) => c.dir)).toEqual(['/a', '/b']);
    for (const c of calls) c.finish();
    await Promise.all([a, b]);
  });

  it('fails the waiters of a failed fsync and still runs the next one for those behind it', async () => {
    const { calls, sync } = controlledSync();
    const syncDir = createDirSyncer(sync);
    const first = syncDir('/a');
    const second = syncDir('/a');
    await tick();
    calls[0]?.finish(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    await tick();
    expect(calls).toHaveLength(2);
    calls[1]?.finish();
    await expect(second).resolves.toBeUndefined();
  });
});
