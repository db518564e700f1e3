import { readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { BlobStore } from '../blob.js';
import { archiveUnavailable } from '../errors.js';
import { createDirSyncer, isCode, isTempName, writeFileAtomic } from './atomic-file.js';

/** A temp file this old belongs to a write that crashed: no put takes anywhere near this long. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** Keys are files under `root`, '/' mapped to the platform separator. */
export function localBlobStore(root: string): BlobStore {
  const base = resolve(root);
  // Concurrent puts into one directory share its fsyncs (see createDirSyncer).
  const syncDir = createDirSyncer();
  const pathOf = (key: string): string => {
    const path = resolve(base, ...key.split('/'));
    // Keys are built from validated segments; this only guards against a future bug.
    if (!path.startsWith(base + sep)) throw new Error(`key ${key} escapes the archive directory`);
    return path;
  };
  const fail: (what: string, err: unknown) => never = (what, err) => {
    throw archiveUnavailable(`local archive: ${what} failed in ${base}: ${(err as Error).message}`, err);
  };

  return {
    async put(key, bytes) {
      const path = pathOf(key);
      try {
        await writeFileAtomic(path, bytes, syncDir);
      } catch (err) {
        // Retention may have removed the (then empty) directory between mkdir and open: once more.
        if (!isCode(err, 'ENOENT')) fail(`writing ${key}`, err);
        await writeFileAtomic(path, bytes, syncDir).catch((again: unknown) => fail(`writing ${key}`, again));
      }
    },

    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR')) return null;
        return fail(`reading ${key}`, err);
      }
    },

    async listFolders(prefix) {
      try {
        const entries = await readdir(pathOf(prefix), { withFileTypes: true });
        return entries
          .filter((e) => e.isDirectory())
          .map((e) => e.name)
          .sort(byteOrder);
      } catch (err) {
        if (isCode(err, 'ENOENT')) return [];
        return fail(`listing ${prefix}`, err);
      }
    },

    listKeys(prefix) {
      return walk(pathOf(prefix), prefix.endsWith('/') ? prefix : `${prefix}/`, fail);
    },

    async delete(keys) {
      const dirs = new Set<string>();
      for (const key of keys) {
        const path = pathOf(key);
        try {
          await unlink(path);
        } catch (err) {
          if (!isCode(err, 'ENOENT')) fail(`deleting ${key}`, err);
        }
        if (key.startsWith('raw/')) dirs.add(dirname(path));
      }
      // Retention empties whole hour partitions; remove them so the tree does not grow forever.
      for (const dir of dirs) await pruneEmpty(dir, join(base, 'raw'));
    },

    async close() {},
  };
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Depth-first, each directory sorted, one directory read at a time: the caller can stop early. */
async function* walk(dir: string, keyPrefix: string, fail: (what: string, err: unknown) => never): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    // Pruned by a concurrent retention run, or never created: nothing under it.
    if (isCode(err, 'ENOENT')) return;
    fail(`listing ${keyPrefix}`, err);
  }
  entries.sort((a, b) => byteOrder(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) yield* walk(join(dir, e.name), `${keyPrefix}${e.name}/`, fail);
    else if (e.isFile()) yield `${keyPrefix}${e.name}`;
  }
}

/** Removes `dir` and then its parents while empty (stale temp files count as empty), never `stop` itself. */
async function pruneEmpty(dir: string, stop: string): Promise<void> {
  for (let d = dir; d !== stop && relative(stop, d).split(sep)[0] !== '..'; d = dirname(d)) {
    try {
      for (const name of await readdir(d)) {
        if (!isTempName(name)) return;
        const path = join(d, name);
        if (Date.now() - (await stat(path)).mtimeMs < STALE_TEMP_MS) return;
        await unlink(path);
      }
      await rmdir(d);
    } catch {
      // Someone wrote into it meanwhile, another pruner got there first, or it cannot be removed.
      // Tidying is best effort: the records are deleted already, and an empty folder costs an inode.
      return;
    }
  }
}
