#!/usr/bin/env node
// Entry point of `npm start` / `npm test`. It runs on whatever Node and npm the machine has
// (this file is plain JavaScript with no dependencies, for Node >= 18) and provisions what the
// project needs before handing over: Node 22.22+ or 24.6+ (@platformatic/kafka needs one of
// them; vitest, testcontainers and typeorm need 22),
// pnpm, and the workspace's dependencies. Everything it installs goes under .tools/ and
// node_modules/, never into the system.
//
//   node scripts/bootstrap.mjs fleet            run the local fleet (scripts/fleet.ts)
//   node scripts/bootstrap.mjs test [args]      run the whole test suite (scripts/test.ts)
//   node scripts/bootstrap.mjs run FILE [args]  run a TypeScript file under the provisioned Node
//   node scripts/bootstrap.mjs exec BIN [args]  run a workspace binary (tsc, vitest, ...)
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tools = join(root, '.tools');
// Pinned so that every machine runs the same toolchain.
const NODE_SPEC = 'node@24';
const PNPM_SPEC = 'pnpm@10.34.8';
/** Node lines the project runs on: 22 from 22.22, 24 from 24.6 (@platformatic/kafka's engines), and later lines. */
function nodeSupported(version) {
  const [major, minor] = version.split('.').map(Number);
  if (major === 22) return minor >= 22;
  if (major === 24) return minor >= 6;
  return major >= 25;
}

function say(line) {
  process.stderr.write(`[bootstrap] ${line}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    say(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

function npmCommand() {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

function ensureTools() {
  const nodeBin = join(tools, 'node_modules', '.bin', 'node');
  const pnpmJs = join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  const supported = nodeSupported(process.versions.node);
  const needNode = !supported && !existsSync(nodeBin);
  if (needNode || !existsSync(pnpmJs)) {
    mkdirSync(tools, { recursive: true });
    if (!existsSync(join(tools, 'package.json'))) {
      writeFileSync(join(tools, 'package.json'), '{ "private": true }\n');
    }
    const specs = [PNPM_SPEC];
    if (!supported) specs.push(NODE_SPEC);
    say(`installing ${specs.join(', ')} into .tools/ (system Node is ${process.versions.node})`);
    run(npmCommand(), ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], { cwd: tools });
  }
  const node = supported ? process.execPath : nodeBin;
  return { node, pnpmJs };
}

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function ensureDependencies({ node, pnpmJs }) {
  const lock = join(root, 'pnpm-lock.yaml');
  const stamp = join(root, 'node_modules', '.hookstream-installed');
  const manifests = [lock, join(root, 'package.json')];
  const newest = Math.max(...manifests.map(mtime));
  if (existsSync(stamp) && mtime(stamp) >= newest) return;
  say('installing workspace dependencies with pnpm');
  const frozen = existsSync(lock) ? ['--frozen-lockfile'] : [];
  run(node, [pnpmJs, 'install', ...frozen, '--reporter=append-only'], { env: envWithNode(node) });
  writeFileSync(stamp, new Date().toISOString());
}

function envWithNode(node) {
  // Child tools (pnpm lifecycle scripts, vitest workers, spawned services) must find the
  // provisioned Node first on PATH, not the system one.
  const sep = process.platform === 'win32' ? ';' : ':';
  return { ...process.env, PATH: `${dirname(node)}${sep}${join(root, 'node_modules', '.bin')}${sep}${process.env.PATH ?? ''}` };
}

function handOver(node, args) {
  const child = spawn(node, args, { stdio: 'inherit', cwd: root, env: envWithNode(node) });
  // Forward termination so that `npm start` + Ctrl-C shuts the fleet down gracefully.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [command = 'help', ...rest] = process.argv.slice(2);
const tsx = ['--import', 'tsx'];
const toolchain = ensureTools();
ensureDependencies(toolchain);
switch (command) {
  case 'fleet':
    handOver(toolchain.node, [...tsx, join(root, 'scripts', 'fleet.ts'), ...rest]);
    break;
  case 'test':
    handOver(toolchain.node, [...tsx, join(root, 'scripts', 'test.ts'), ...rest]);
    break;
  case 'run': {
    const [file, ...args] = rest;
    if (!file) {
      say('usage: bootstrap.mjs run FILE [args]');
      process.exit(2);
    }
    handOver(toolchain.node, [...tsx, join(root, file), ...args]);
    break;
  }
  case 'exec': {
    const [bin, ...args] = rest;
    const pkgBin = bin ? join(root, 'node_modules', '.bin', bin) : '';
    if (!bin || !existsSync(pkgBin)) {
      say(`usage: bootstrap.mjs exec BIN [args] (BIN from node_modules/.bin)`);
      process.exit(2);
    }
    // node_modules/.bin entries are shell shims; run them with the provisioned Node on PATH.
    const child = spawn(pkgBin, args, { stdio: 'inherit', cwd: root, env: envWithNode(toolchain.node) });
    child.on('exit', (code) => process.exit(code ?? 1));
    break;
  }
  default:
    say('usage: bootstrap.mjs fleet | test | run FILE | exec BIN');
    process.exit(2);
}
