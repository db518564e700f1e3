import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeRecord } from '../codec.js';
import { createLocalArchive } from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..', '..', '..');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** Runs crash-writer until it acknowledged `acks` records, then SIGKILLs it at once (mid-write, most likely). */
function writeUntilKilled(dir: string, acks: number): Promise<Map<string, string>> {
  return new Promise((done, fail) => {
    // tsx resolves from the repository root, where the workspace's dev tools are installed.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-writer.ts'), dir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, string>();
    let pending = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      pending += c.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [, id, sha] = line.split(' ');
        if (id && sha) acked.set(id, sha);
      }
      if (acked.size >= acks) child.kill('SIGKILL');
    });
    child.once('error', fail);
    child.once('exit', (_code, signal) => (signal === 'SIGKILL' ? done(acked) : fail(new Error(`crash-writer exited on its own: ${stderr}`))));
  });
}

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await walkFiles(join(dir, e.name))));
    else out.push(join(dir, e.name));
  }
  return out;
}

describe('local archive: a writer killed mid-write', () => {
  it('keeps every acknowledged record intact, and nothing torn is ever read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookstream-archive-crash-'));
    dirs.push(dir);
    const acked = new Map<string, string>();
    // Two writers in turn on the same directory: the second starts over the first's debris.
    for (const acks of [25, 40]) for (const [id, sha] of await writeUntilKilled(dir, acks)) acked.set(id, sha);

    const store = createLocalArchive({ dir });
    for (const [id, sha] of acked) {
      const back = await store.get(id);
      expect(back, id).not.toBeNull();
      expect(
        createHash('sha256')
          .update(back?.body ?? Buffer.alloc(0))
          .digest('hex'),
      ).toBe(sha);
    }
    // No file under a final name is torn: each decodes and matches its recorded digest. Torn
    // bytes can only be in dot-temp files, which nothing reads.
    const finals = (await walkFiles(join(dir, 'raw'))).filter((p) => !basename(p).startsWith('.'));
    expect(finals.length).toBeGreaterThanOrEqual(acked.size);
    for (const path of finals) await decodeRecord(await readFile(path), path);
    expect(await store.deleteOlderThan(Date.now() + 1)).toBe(finals.length);
    for (const id of acked.keys()) expect(await store.get(id)).toBeNull();
    await store.close();
  }, 60_000);
});
