import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temp files are dot-prefixed, so every listing that skips dot files skips a crashed write's debris. */
export const TEMP_MARK = '.tmp-';

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARK);
}

/**
 * Writes `bytes` to `path` so that `path` holds either its old content or all of the new one,
 * even across a crash or power loss: write a temp file beside it, fsync it, rename it over the
 * target (atomic within one directory), then fsync the directory so the rename itself is on disk.
 * Directories this call creates are fsynced into their parents too; otherwise a power loss could
 * drop a new partition directory and the fsynced file inside it with it.
 */
export async function writeFileAtomic(path: string, bytes: Buffer, syncDir: (dir: string) => Promise<void> = fsyncDir): Promise<void> {
  const dir = dirname(path);
  const firstCreated = await mkdir(dir, { recursive: true });
  if (firstCreated !== undefined) await fsyncRange(dirname(firstCreated), dirname(dir));

  const temp = join(dir, `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
  // 'wx': a temp name is never shared, so finding one is a bug, not something to overwrite.
  const handle = await open(temp, 'wx');
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

/**
 * Directory fsyncs shared between concurrent writers (group commit). A writer whose rename is
 * done joins the next fsync of its directory that has not started yet: one that starts after
 * the rename covers it, one already running may not. Under load, n renames into one directory
 * (the index's `ids/`, an hour's partition) cost about two fsyncs instead of n.
 */
export function createDirSyncer(sync: (dir: string) => Promise<void> = fsyncDir): (dir: string) => Promise<void> {
  const running = new Map<string, Promise<void>>();
  const queued = new Map<string, Promise<void>>();
  const start = (dir: string): Promise<void> => {
    queued.delete(dir);
    const p = sync(dir).finally(() => {
      if (running.get(dir) === p) running.delete(dir);
    });
    running.set(dir, p);
    return p;
  };
  return (dir) => {
    const next = queued.get(dir);
    if (next) return next;
    const current = running.get(dir);
    if (!current) return start(dir);
    // A failed fsync fails its own waiters; the next one still runs for those queued behind it.
    const later = current.catch(() => undefined).then(() => start(dir));
    queued.set(dir, later);
    return later;
  };
}

/** fsyncs every directory from `bottom` up to `top`, both included (`top` is an ancestor of `bottom`). */
async function fsyncRange(top: string, bottom: string): Promise<void> {
  for (let d = bottom; ; d = dirname(d)) {
    await fsyncDir(d);
    if (d === top || d === dirname(d)) return;
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (err) {
    // Some platforms (Windows) cannot open a directory; there rename is as durable as it gets.
    if (isCode(err, 'EISDIR') || isCode(err, 'EPERM')) return;
    throw err;
  }
  try {
    await handle.sync();
  } catch (err) {
    if (!isCode(err, 'EINVAL')) throw err;
  } finally {
    await handle.close();
  }
}

export function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
