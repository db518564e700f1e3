import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL } from '../local-defaults.js';
import { bundle, checkExternals, checkModules, packageNameOf, productionDependencies, ROOT, type BundleOutput } from './bundle.js';
import { ENTRIES, type BundleName } from './layout.js';

/**
 * The bundles the image runs, built as the Dockerfile's build stage builds them and started
 * with node: each service loads its whole module graph and stops at its configuration, which
 * is as far as it gets without Kafka and a database; the fakes run for real. The bundles sit
 * beside a node_modules that links to pnpm's flat view of the installed packages (as the
 * image's hoisted node_modules), so only their external imports resolve, nothing from source.
 */
let dir: string;
let outputs: BundleOutput[];

/**
 * pnpm's flat view (node_modules/.pnpm/node_modules) lacks the root's own direct dependencies
 * (yaml, ajv…), which sit in node_modules itself: the bundles' node_modules links both, the
 * flat view's entry winning, as the image's hoisted install has every package in one place.
 */
function linkInstalled(target: string): void {
  mkdirSync(target);
  for (const from of [join(ROOT, 'node_modules', '.pnpm', 'node_modules'), join(ROOT, 'node_modules')]) {
    for (const name of readdirSync(from)) {
      if (name.startsWith('.') || name === '@hookstream') continue;
      if (name.startsWith('@')) {
        mkdirSync(join(target, name), { recursive: true });
        for (const sub of readdirSync(join(from, name)))
          if (!existsSync(join(target, name, sub))) symlinkSync(join(from, name, sub), join(target, name, sub), 'dir');
      } else if (!existsSync(join(target, name))) symlinkSync(join(from, name), join(target, name), 'dir');
    }
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hookstream-bundle-'));
  linkInstalled(join(dir, 'node_modules'));
  outputs = await bundle({ outdir: join(dir, 'dist') });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a bundle with only the environment given (none of the machine's KAFKA_BROKERS, DATABASE_URL…). */
function run(name: BundleName, env: Record<string, string>, args: string[] = [], until?: (out: string) => boolean): Promise<Run & { kill: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'dist', `${name}.mjs`), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r: Run = { code: null, stdout: '', stderr: '' };
    const kill = () => child.kill('SIGTERM');
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not finish: ${r.stdout}${r.stderr}`));
    }, 90_000);
    child.stdout.on('data', (c: Buffer) => {
      r.stdout += c.toString();
      if (until?.(r.stdout)) {
        clearTimeout(timer);
        resolve({ ...r, kill });
      }
    });
    child.stderr.on('data', (c: Buffer) => (r.stderr += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ...r, code, kill });
    });
  });
}

describe('the service bundles (dist/*.mjs)', () => {
  it('exist for every entry, inline the workspace and import only third-party packages', () => {
    expect(outputs.map((o) => o.name).sort()).toEqual(Object.keys(ENTRIES).sort());
    for (const o of outputs)
      expect(
        o.externals.filter((e) => e.startsWith('@hookstream/')),
        o.name,
      ).toEqual([]);
    expect(outputs.find((o) => o.name === 'edge')?.externals).toEqual(expect.arrayContaining(['fastify', 'kafkajs']));
    // The launcher and the health check are plain Node: they load nothing before the service.
    expect(outputs.find((o) => o.name === 'start')?.externals).toEqual([]);
    expect(outputs.find((o) => o.name === 'healthcheck')?.externals).toEqual([]);
  });

  it('import only production dependencies of the packages the image installs, each at one version', () => {
    const prod = productionDependencies();
    expect(checkExternals(outputs, prod)).toEqual([]);
    expect(prod.workspace).toContain('@hookstream/edge');
    expect(prod.workspace).not.toContain('@hookstream/testkit');
    expect(prod.packages.has('testcontainers')).toBe(false);
  });

  it('report an import no production dependency declares, two versions of one package, and a node_modules that lacks one', () => {
    const prod = productionDependencies();
    const extra: BundleOutput = { name: 'fakes', file: '', bytes: 0, externals: ['fast-check', 'zod'] };
    expect(checkExternals([extra], prod)).toEqual([expect.stringMatching(/dist\/fakes\.mjs imports fast-check, which no production dependency/)]);
    const twoZods = { workspace: [], packages: new Map([['zod', { specs: new Set(['4.6.7', '3.25.0']), declaredBy: ['@a/x', '@a/y'] }]]) };
    expect(checkExternals([extra], twoZods)).toEqual([
      expect.stringMatching(/fast-check/),
      expect.stringMatching(/zod is declared with different versions \(4\.6\.7, 3\.25\.0/),
    ]);
    const modules = join(dir, 'fake_modules');
    mkdirSync(join(modules, 'zod'), { recursive: true });
    writeFileSync(join(modules, 'zod', 'package.json'), '{"version":"3.25.0"}');
    const zodSpec = [...(prod.packages.get('zod')?.specs ?? [])][0];
    expect(checkModules([{ ...extra, externals: ['zod', 'kafkajs'] }], prod, modules)).toEqual([
      expect.stringMatching(/kafkajs is not installed/),
      `${modules}/zod is 3.25.0, the workspace declares ${zodSpec}`,
    ]);
    expect(packageNameOf('@aws-sdk/client-s3/dist-es/x.js')).toBe('@aws-sdk/client-s3');
    expect(packageNameOf('ajv/dist/2020.js')).toBe('ajv');
  });

  it('start with node and stop at their configuration, having loaded every module', async () => {
    // The edge through the launcher (the image's CMD), which imports dist/edge.mjs.
    const [edge, processor, eventsApi, dispatcher, migrate, unknown, cli] = (await Promise.all([
      run('start', { SERVICE: 'edge' }),
      run('processor', {}),
      run('events-api', {}),
      run('dispatcher', {}),
      run('migrate', {}),
      run('start', { SERVICE: 'nope' }),
      run('cli', {}, ['--help']),
    ])) as Run[] as [Run, Run, Run, Run, Run, Run, Run];
    for (const [name, r] of [
      ['edge', edge],
      ['processor', processor],
      ['events-api', eventsApi],
      ['dispatcher', dispatcher],
    ] as const) {
      expect(r.stderr, name).toMatch(new RegExp(`^${name}: invalid configuration: [A-Z_]+: `, 'm'));
      expect(r.code, name).toBe(2);
    }
    expect(edge.stderr).toMatch(/^edge: invalid configuration: KAFKA_BROKERS/m);
    expect(migrate.code).toBe(1);
    expect(migrate.stdout).toMatch(/DATABASE_URL/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/SERVICE must be one of edge, processor, events-api, dispatcher, fakes, migrate, cli \(got "nope"\)/);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^usage: /m);
  }, 120_000);

  it('run the fakes: the HubSpot fake answers a batch read of a sample contact, and the health check passes against them', async () => {
    const fakes = await run('fakes', { FAKES_HOST: '127.0.0.1', PORT: '0', FAKE_HUBSPOT_PORT: '0', FAKE_META_PORT: '0', FAKE_BREVO_PORT: '0' }, [], (out) =>
      out.includes('"fakes listening"'),
    );
    try {
      const line = JSON.parse(fakes.stdout.split('\n').find((l) => l.includes('"fakes listening"')) as string) as {
        fakes: Record<string, string>;
        health: number;
      };
      const res = await fetch(`http://${line.fakes.hubspot}/crm/v3/objects/contacts/batch/read`, {
        method: 'POST',
        headers: { authorization: `Bearer ${LOCAL.fakeHubSpotToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ id: '1001' }], properties: ['email'] }),
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(await res.json())).toContain('ada@example.com');
      const healthy = await run('healthcheck', { SERVICE: 'fakes', PORT: String(line.health) });
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toMatch(/^200 /);
      fakes.kill();
      const unhealthy = await run('healthcheck', { SERVICE: 'edge', PORT: '1' });
      expect(unhealthy.code).toBe(1);
      expect((await run('healthcheck', { SERVICE: 'migrate' })).code).toBe(0);
    } finally {
      fakes.kill();
    }
  }, 120_000);
});
