import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENTRIES, PRODUCTION_ROOTS } from './layout.js';
import { ROOT } from './bundle.js';
import {
  checkContextCopies,
  checkRuntimeStage,
  contextFilesIn,
  copySpec,
  dockerignore,
  execForm,
  expandSource,
  instructionsOf,
  parseDockerfile,
  type Dockerfile,
} from './dockerfile.js';

/** Every Dockerfile under docker/, with the ignore file BuildKit reads for it (<name>.dockerignore beside it, else the context's). */
const DOCKERFILES = readdirSync(join(ROOT, 'docker'))
  .filter((f) => /^Dockerfile(\.[\w-]+)?$|\.Dockerfile$/.test(f) && !f.endsWith('.dockerignore'))
  .map((f) => {
    const own = join(ROOT, 'docker', `${f}.dockerignore`);
    const ignoreFile = existsSync(own) ? own : join(ROOT, '.dockerignore');
    return { file: `docker/${f}`, ignoreText: existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '' };
  });

describe('the Dockerfile reader', () => {
  it('joins continuations (comment lines inside them dropped) and keeps each keyword with its line', () => {
    const ins = instructionsOf('# c\nFROM node:24 AS a\nRUN one \\\n  # inside\n  two\n\nCMD ["node", "x.mjs"]\n');
    expect(ins).toEqual([
      { keyword: 'FROM', args: 'node:24 AS a', line: 2 },
      { keyword: 'RUN', args: 'one two', line: 3 },
      { keyword: 'CMD', args: '["node", "x.mjs"]', line: 7 },
    ]);
    expect(execForm('["node", "x.mjs"]')).toEqual(['node', 'x.mjs']);
    expect(execForm('node x.mjs')).toBeNull();
  });

  it('reads stages, global ARGs in FROM, and COPY flags, sources and destination', () => {
    const df = parseDockerfile('ARG IMG=node:24-slim\nFROM ${IMG} AS base\nFROM base AS two\nCOPY --from=base --chown=1:1 a b /dst/\n');
    expect(df.stages.map((s) => [s.name, s.from])).toEqual([
      ['base', 'node:24-slim'],
      ['two', 'base'],
    ]);
    expect(copySpec(df.stages[1]?.instructions[0] as never)).toMatchObject({ flags: { from: 'base', chown: '1:1' }, sources: ['a', 'b'], dest: '/dst/' });
  });

  it('applies .dockerignore rules as Docker does: any depth with **, covers what is below, last match wins, ! re-includes', () => {
    const ignored = dockerignore('# comment\n**/node_modules\n/.git\n*.log\n!keep.log\ndist\n');
    expect(ignored('node_modules/x/index.js')).toBe(true);
    expect(ignored('packages/a/node_modules/b')).toBe(true);
    expect(ignored('.git/HEAD')).toBe(true);
    expect(ignored('a.log')).toBe(true);
    expect(ignored('keep.log')).toBe(false);
    expect(ignored('sub/a.log')).toBe(false);
    expect(ignored('dist/edge.mjs')).toBe(true);
    expect(ignored('distance.ts')).toBe(false);
    expect(ignored('.')).toBe(false);
    expect(ignored.negations).toBe(true);
  });
});

describe('synthetic Dockerfiles: each mistake is reported', () => {
  let ctx: string;
  const ignoreText = '*.env\nsecrets\n';
  const ok = [
    'FROM node:24-slim AS deps',
    'COPY package.json ./',
    'RUN pnpm install --prod --frozen-lockfile',
    'FROM node:24-slim AS build',
    'RUN pnpm install --frozen-lockfile',
    'FROM node:24-slim',
    'WORKDIR /app',
    'COPY --from=deps /app/node_modules ./node_modules',
    'COPY --from=build /app/dist ./dist',
    'COPY src/*.ts ./src/',
    'USER node',
    'HEALTHCHECK CMD ["node", "dist/health.mjs"]',
    'CMD ["node", "dist/start.mjs"]',
  ];
  const with_ = (replace: Record<string, string | null>, extra: string[] = []): string =>
    [...ok.flatMap((l) => (l in replace ? (replace[l] === null ? [] : [replace[l] as string]) : [l])), ...extra].join('\n');
  const problems = (text: string): string[] => {
    const df: Dockerfile = parseDockerfile(text);
    return [...checkContextCopies(df, ctx, dockerignore(ignoreText)), ...checkRuntimeStage(df)];
  };

  beforeAll(() => {
    ctx = mkdtempSync(join(tmpdir(), 'hookstream-dockerfile-'));
    for (const f of ['package.json', 'src/a.ts', 'src/b.ts', 'prod.env', 'secrets/key.pem']) {
      mkdirSync(dirname(join(ctx, f)), { recursive: true });
      writeFileSync(join(ctx, f), 'x');
    }
  });
  afterAll(() => rmSync(ctx, { recursive: true, force: true }));

  it('a correct one passes, and its wildcard COPY finds the files', () => {
    expect(problems(with_({}))).toEqual([]);
    expect(expandSource(ctx, 'src/*.ts')).toEqual(['src/a.ts', 'src/b.ts']);
    const df = parseDockerfile(with_({}));
    expect([...contextFilesIn(df, df.stages[2] as never, ctx, dockerignore(ignoreText)).keys()]).toEqual(['/app/src/a.ts', '/app/src/b.ts']);
  });

  it('a COPY of a file that does not exist (the .npmrc that once broke the build)', () => {
    expect(problems(with_({}, ['COPY .npmrc ./']))).toEqual([expect.stringMatching(/COPY \.npmrc: no such file in the build context/)]);
    expect(problems(with_({}, ['COPY src/*.js ./']))).toEqual([expect.stringMatching(/src\/\*\.js: no such file/)]);
  });

  it('a COPY of what the .dockerignore drops', () => {
    expect(problems(with_({}, ['COPY prod.env ./']))).toEqual([expect.stringMatching(/prod\.env is excluded by the \.dockerignore/)]);
    expect(problems(with_({}, ['COPY secrets ./secrets']))).toEqual([expect.stringMatching(/secrets is excluded/)]);
    expect(problems(with_({}, ['COPY ../outside ./']))).toEqual([expect.stringMatching(/outside the build context/)]);
  });

  it('a --from naming no earlier stage, and an unpinned base image', () => {
    expect(problems(with_({ 'COPY --from=build /app/dist ./dist': 'COPY --from=bulid /app/dist ./dist' }))).toEqual([
      expect.stringMatching(/--from=bulid: no earlier stage/),
    ]);
    expect(problems(with_({ 'FROM node:24-slim AS build': 'FROM node AS build' }))).toEqual([expect.stringMatching(/FROM node: pin a tag/)]);
  });

  it('root, no health check, a shell or tsx at start', () => {
    expect(problems(with_({ 'USER node': null }))).toEqual([expect.stringMatching(/no USER/)]);
    expect(problems(with_({ 'USER node': 'USER root' }))).toEqual([expect.stringMatching(/USER root is root/)]);
    expect(problems(with_({ 'USER node': 'USER 0:0' }))).toEqual([expect.stringMatching(/is root/)]);
    expect(problems(with_({ 'HEALTHCHECK CMD ["node", "dist/health.mjs"]': null }))).toEqual([expect.stringMatching(/no HEALTHCHECK/)]);
    expect(problems(with_({ 'HEALTHCHECK CMD ["node", "dist/health.mjs"]': 'HEALTHCHECK NONE' }))).toEqual([expect.stringMatching(/no HEALTHCHECK/)]);
    expect(problems(with_({ 'CMD ["node", "dist/start.mjs"]': 'CMD node dist/start.mjs' }))).toEqual([expect.stringMatching(/shell form/)]);
    expect(problems(with_({ 'CMD ["node", "dist/start.mjs"]': 'CMD ["npx", "tsx", "src/main.ts"]' }))).toEqual([
      expect.stringMatching(/starts "npx", not node/),
      expect.stringMatching(/mentions tsx/),
    ]);
    expect(problems(with_({ 'CMD ["node", "dist/start.mjs"]': 'CMD ["node", "--import", "tsx", "src/main.ts"]' }))).toEqual([
      expect.stringMatching(/mentions tsx/),
    ]);
    expect(problems(with_({ 'CMD ["node", "dist/start.mjs"]': null }))).toEqual([expect.stringMatching(/no CMD or ENTRYPOINT/)]);
  });

  it('dev dependencies in the final image', () => {
    expect(problems(with_({ 'COPY --from=deps /app/node_modules ./node_modules': 'COPY --from=build /app/node_modules ./node_modules' }))).toEqual([
      expect.stringMatching(/node_modules comes from stage build, which installs dev dependencies/),
    ]);
    expect(problems(with_({}, ['RUN pnpm install --frozen-lockfile']))).toEqual([expect.stringMatching(/installs dependencies without --prod/)]);
    expect(problems(with_({}, ['COPY . .']))).toEqual([expect.stringMatching(/copies the whole build context/)]);
  });
});

describe.each(DOCKERFILES)('$file', ({ file, ignoreText }) => {
  const df = parseDockerfile(readFileSync(join(ROOT, file), 'utf8'));
  const ignored = dockerignore(ignoreText);
  const runtime = df.stages[df.stages.length - 1] as Dockerfile['stages'][number];
  const runs = (stage: string): string[] =>
    df.stages
      .filter((s) => s.name === stage)
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);

  it('copies only paths that exist in the build context and that the .dockerignore keeps, from stages that exist', () => {
    expect(checkContextCopies(df, ROOT, ignored)).toEqual([]);
  });

  it('ends in a production stage: non-root, HEALTHCHECK, started by node in exec form, no tsx, node_modules from a --prod install', () => {
    expect(checkRuntimeStage(df)).toEqual([]);
  });

  it('starts and health-checks with bundles that scripts/image/bundle.ts builds, in the build stage, checked against the production node_modules', () => {
    const cmd = execForm(runtime.instructions.find((i) => i.keyword === 'CMD')?.args ?? '') ?? [];
    const health = runtime.instructions.find((i) => i.keyword === 'HEALTHCHECK')?.args ?? '';
    const healthCmd = execForm(health.slice(health.indexOf('CMD') + 3).trim()) ?? [];
    for (const argv of [cmd, healthCmd]) {
      const bundle = /^dist\/([\w-]+)\.mjs$/.exec(argv[1] ?? '')?.[1];
      expect(bundle && Object.hasOwn(ENTRIES, bundle), `${argv.join(' ')} runs a bundle of scripts/image/layout.ts`).toBe(true);
    }
    expect(runs('build').some((r) => /node --import tsx scripts\/image\/bundle\.ts --outdir dist --modules \S+/.test(r))).toBe(true);
    expect(runtime.instructions.some((i) => i.keyword === 'COPY' && copySpec(i).flags.from === 'build' && copySpec(i).sources.includes('/app/dist'))).toBe(
      true,
    );
  });

  it('installs the production dependencies of exactly the packages the bundles are checked against', () => {
    const install = runs('prod-deps').find((r) => /pnpm install/.test(r)) ?? '';
    expect(install).toMatch(/--prod\b/);
    expect(install).toMatch(/--frozen-lockfile/);
    const filters = [...install.matchAll(/--filter-prod '([^']+)\.\.\.'/g)].map((m) => m[1]);
    expect(filters.sort()).toEqual([...PRODUCTION_ROOTS].sort());
  });

  it('hands the installs every patch file pnpm-workspace.yaml applies', () => {
    const workspace = parseYaml(readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as { patchedDependencies?: Record<string, string> };
    const patches = Object.values(workspace.patchedDependencies ?? {});
    const copied = df.stages
      .filter((s) => s.name === 'manifests')
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY')
      .map(copySpec)
      .flatMap((c) => c.sources.map((src) => ({ src: src.replace(/\/$/, ''), dest: c.dest.replace(/\/$/, '') })));
    for (const patch of patches) {
      const via = copied.find((c) => patch === c.src || patch.startsWith(`${c.src}/`));
      expect(via, `${patch} reaches the manifests stage`).toBeDefined();
      expect(via && `${via.dest}${patch.slice(via.src.length)}`).toBe(`/app/${patch}`);
    }
  });

  it('pins the pnpm that scripts/bootstrap.mjs pins, and a Node the workspace supports', () => {
    const pnpm = /PNPM_SPEC = 'pnpm@([^']+)'/.exec(readFileSync(join(ROOT, 'scripts', 'bootstrap.mjs'), 'utf8'))?.[1];
    const arg = df.stages.flatMap((s) => s.instructions).find((i) => i.keyword === 'ARG' && i.args.startsWith('PNPM_VERSION='));
    expect(arg?.args).toBe(`PNPM_VERSION=${pnpm}`);
    const major = Number(/^node:(\d+)/.exec(runtime.from)?.[1]);
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    expect(major).toBeGreaterThanOrEqual(Number(/(\d+)/.exec(engines)?.[1]));
  });
});
