/**
 * The console's production build (packages/console/dist), made when it is missing or older than
 * its sources. `npm start` calls it before events-api starts; the console's browser tests too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const CONSOLE_PACKAGE = join(root, 'packages', 'console');
export const CONSOLE_DIST = join(CONSOLE_PACKAGE, 'dist');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), s.mtimeMs);
}

/** Why the build must be made again, or null when dist/index.html is newer than every source. */
export function consoleBuildReason(): string | null {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return 'no build yet';
  const built = statSync(index).mtimeMs;
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(CONSOLE_PACKAGE, p)).filter((p) => existsSync(p));
  return sources.some((p) => newest(p) > built) ? 'sources changed since the last build' : null;
}

/**
 * Builds the console with Vite when needed; `say` gets one line when it does. Throws with
 * Vite's output when the build fails.
 */
export function ensureConsoleBuilt(say: (line: string) => void): void {
  const reason = consoleBuildReason();
  if (reason === null) return;
  say(`building the console (${reason}): vite build in packages/console → packages/console/dist`);
  const vite = join(CONSOLE_PACKAGE, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: CONSOLE_PACKAGE, encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`the console's build failed (vite build, exit ${r.status}):\n${r.stdout}${r.stderr}`);
}
