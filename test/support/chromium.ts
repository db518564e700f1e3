import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian, Ubuntu and Chrome's own packages put the browser. */
const KNOWN = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** Headless and quiet: no sandbox (root in a container), no GPU, no calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

/**
 * The Chrome or Chromium the browser tests drive: CHROME_PATH or HOOKSTREAM_CHROME when set,
 * else a known install, else Debian's `chromium` package installed now with apt-get (once: the
 * next run finds it). Throws with what to do when none can be had; the tests never skip.
 */
export function findChromium(say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): string {
  const named = process.env.CHROME_PATH || process.env.HOOKSTREAM_CHROME;
  if (named) {
    if (!existsSync(named)) throw new Error(`CHROME_PATH/HOOKSTREAM_CHROME is ${named}, which does not exist`);
    return named;
  }
  const found = KNOWN.find((p) => existsSync(p));
  if (found) return found;
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error('no Chrome or Chromium found: install one and set CHROME_PATH (or HOOKSTREAM_CHROME) to its binary');
  }
  const asRoot = process.getuid?.() === 0;
  const prefix = asRoot ? [] : ['sudo', '-n'];
  say("browser tests: no Chromium found; installing Debian's chromium package (apt-get update && apt-get install -y chromium)…");
  for (const args of [
    ['apt-get', 'update', '-q'],
    ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium'],
  ]) {
    const [cmd, ...rest] = [...prefix, ...args] as [string, ...string[]];
    const r = spawnSync(cmd, rest, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
    if (r.error || r.status !== 0) {
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
      throw new Error(
        `installing chromium failed (${args.join(' ')}: ${r.error?.message ?? `exit ${r.status}`})${asRoot ? '' : ' — not root and sudo -n was refused'}; ` +
          `install Chrome or Chromium and set CHROME_PATH.\n${output}`,
      );
    }
  }
  const installed = KNOWN.find((p) => existsSync(p));
  if (!installed) throw new Error('apt-get installed chromium but no binary is at /usr/bin/chromium: set CHROME_PATH');
  say(`browser tests: installed ${installed}`);
  return installed;
}
