import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLocalArchive, type ArchiveRecord, type ArchiveStore } from '@hookstream/archive';
import { createLogger } from '@hookstream/observability';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { startArchiveRetention } from './archive-retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 14, 12, 0, 0);

const root = await mkdtemp(join(tmpdir(), 'hookstream-retention-'));
let n = 0;
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger({ name: 'test', level: 'info', destination }) };
}

const record = (receivedAt: number): ArchiveRecord => ({
  requestId: randomUUID(),
  receivedAt,
  provider: 'location',
  source: 'radar',
  method: 'POST',
  url: '/webhooks/location/radar',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(`{"at":${receivedAt}}`),
});

describe('archive retention', () => {
  it('deletes records older than ARCHIVE_RETENTION_DAYS at start-up, keeps newer ones, and logs how many it deleted', async () => {
    const store = createLocalArchive({ dir: join(root, `dir-${++n}`) });
    const old = [record(NOW - 31 * DAY), record(NOW - 30 * DAY - 1)];
    const kept = [record(NOW - 30 * DAY), record(NOW - DAY), record(NOW)];
    for (const r of [...old, ...kept]) await store.put(r);
    const { lines, log } = capture();

    const retention = startArchiveRetention({ store, retentionDays: 30, intervalMs: 3_600_000, log, now: () => NOW });
    await vi.waitFor(() => expect(lines.find((l) => l.msg === 'archive retention run')).toBeDefined());
    await retention.stop();

    expect(lines.find((l) => l.msg === 'archive retention run')).toMatchObject({ deleted: 2, cutoff: new Date(NOW - 30 * DAY).toISOString() });
    for (const r of old) expect(await store.get(r.requestId)).toBeNull();
    for (const r of kept) expect((await store.get(r.requestId))?.body.equals(r.body)).toBe(true);
    await store.close();
  });

  it('runs again every interval, logs a failed run and tries again at the next one, and stops', async () => {
    let calls = 0;
    const flaky: ArchiveStore = {
      put: async () => undefined,
      get: async () => null,
      deleteOlderThan: async () => {
        calls += 1;
        if (calls === 1) throw Object.assign(new Error('bucket unreachable'), { code: 'ARCHIVE_UNAVAILABLE' });
        return 3;
      },
      close: async () => undefined,
    };
    const { lines, log } = capture();
    const retention = startArchiveRetention({ store: flaky, retentionDays: 30, intervalMs: 20, log, now: () => NOW });
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
    await retention.stop();
    const after = calls;

    const failed = lines.find((l) => l.msg === 'archive retention run failed; trying again at the next interval');
    expect(failed).toMatchObject({ level: 40, nextRunInMs: 20, err: { message: 'bucket unreachable' } });
    expect(lines.filter((l) => l.msg === 'archive retention run').every((l) => l.deleted === 3)).toBe(true);
    // Stopped: no run starts any more.
    await new Promise((r) => setTimeout(r, 80));
    expect(calls).toBe(after);
  });

  it('stop() waits for a run in progress', async () => {
    let finish: (n: number) => void = () => undefined;
    let ended = false;
    const slow: ArchiveStore = {
      put: async () => undefined,
      get: async () => null,
      deleteOlderThan: () =>
        new Promise<number>((resolve) => {
          finish = (k) => {
            ended = true;
            resolve(k);
          };
        }),
      close: async () => undefined,
    };
    const { log } = capture();
    const retention = startArchiveRetention({ store: slow, retentionDays: 1, intervalMs: 10, log });
    const stopped = retention.stop();
    setTimeout(() => finish(0), 30);
    await stopped;
    expect(ended).toBe(true);
  });
});
