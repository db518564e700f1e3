/**
 * Compiles the services to JavaScript for the container image (docker/Dockerfile's build stage):
 * one ESM bundle per entry of layout.ts (dist/edge.mjs, dist/processor.mjs, …) with esbuild.
 * The workspace's @hookstream/* packages are TypeScript consumed from source, so they are
 * inlined; every other package stays an import, resolved at run time from the production
 * dependencies the image installs (pnpm --prod --filter <PRODUCTION_ROOTS>...).
 *
 * Two checks make a missing dependency fail the build rather than a container at start:
 * every external import must be a production dependency of those packages, with one version
 * across them (the image's node_modules is flat); and with --modules DIR, that node_modules
 * must hold each of them at that version.
 *
 *   node --import tsx scripts/image/bundle.ts [--outdir dist] [--modules /prod/node_modules]
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { ENTRIES, PRODUCTION_ROOTS, type BundleName } from './layout.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BundleOutput {
  name: BundleName;
  /** Absolute path of the .mjs file. */
  file: string;
  bytes: number;
  /** Package names (not subpaths) the bundle imports at run time, sorted. */
  externals: string[];
}

/** "@aws-sdk/client-s3/dist/x.js" → "@aws-sdk/client-s3"; "ajv/dist/2020.js" → "ajv". */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Bare specifiers outside the workspace stay imports; @hookstream/* and relative paths are inlined. */
const externalThirdParty: Plugin = {
  name: 'external-third-party',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@hookstream/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

export async function bundle(opts: { outdir: string; root?: string; names?: BundleName[] }): Promise<BundleOutput[]> {
  const root = opts.root ?? ROOT;
  const names = opts.names ?? (Object.keys(ENTRIES) as BundleName[]);
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((n) => [n, join(root, ENTRIES[n])])),
    outdir: opts.outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // TypeORM names migrations by class; errors and logs name classes too.
    keepNames: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalThirdParty],
  });
  const outputs: BundleOutput[] = [];
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (!file.endsWith('.mjs') || out.entryPoint === undefined) continue;
    const abs = resolve(root, file);
    const name = names.find((n) => resolve(root, ENTRIES[n]) === resolve(root, out.entryPoint as string));
    if (name === undefined) continue;
    const externals = [...new Set(out.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => packageNameOf(i.path)))].sort();
    outputs.push({ name, file: abs, bytes: out.bytes, externals });
  }
  return outputs.sort((a, b) => a.name.localeCompare(b.name));
}

interface Manifest {
  name: string;
  dir: string;
  dependencies: Record<string, string>;
}

/** Every workspace package (pnpm-workspace.yaml's globs: `dir` or `dir/*`), by name. */
export function workspacePackages(root = ROOT): Map<string, Manifest> {
  const globs = (parseYaml(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: string[] }).packages ?? [];
  const dirs = globs.flatMap((g) =>
    g.endsWith('/*')
      ? readdirSync(join(root, g.slice(0, -2)), { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(g.slice(0, -2), d.name))
      : [g],
  );
  const out = new Map<string, Manifest>();
  for (const dir of dirs) {
    const file = join(root, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    out.set(pkg.name, { name: pkg.name, dir, dependencies: { ...pkg.dependencies, ...pkg.optionalDependencies } });
  }
  return out;
}

export interface ProductionDependencies {
  /** The workspace packages reached from the roots through `dependencies`. */
  workspace: string[];
  /** Third-party package → version specs, and which workspace packages declare each. */
  packages: Map<string, { specs: Set<string>; declaredBy: string[] }>;
}

/** What `pnpm install --prod --filter <root>...` installs for these roots, read from the manifests. */
export function productionDependencies(roots: readonly string[] = PRODUCTION_ROOTS, root = ROOT): ProductionDependencies {
  const all = workspacePackages(root);
  const seen = new Set<string>();
  const packages: ProductionDependencies['packages'] = new Map();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    const pkg = all.get(name);
    if (!pkg) throw new Error(`${name} is not a workspace package`);
    seen.add(name);
    for (const [dep, spec] of Object.entries(pkg.dependencies)) {
      if (spec.startsWith('workspace:')) {
        queue.push(dep);
        continue;
      }
      const entry = packages.get(dep) ?? { specs: new Set<string>(), declaredBy: [] };
      entry.specs.add(spec);
      entry.declaredBy.push(name);
      packages.set(dep, entry);
    }
  }
  return { workspace: [...seen].sort(), packages };
}

/** Problems with the bundles' external imports against the production dependencies (empty: none). */
export function checkExternals(outputs: BundleOutput[], prod: ProductionDependencies): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const o of outputs)
    for (const ext of o.externals) {
      used.add(ext);
      if (!prod.packages.has(ext))
        problems.push(
          `dist/${o.name}.mjs imports ${ext}, which no production dependency of ${PRODUCTION_ROOTS.join(', ')} declares: add it to the dependencies of the package that imports it`,
        );
    }
  for (const ext of used) {
    const entry = prod.packages.get(ext);
    if (entry && entry.specs.size > 1)
      problems.push(
        `${ext} is declared with different versions (${[...entry.specs].join(', ')} by ${entry.declaredBy.join(', ')}): the image's node_modules is flat, so the bundles need one`,
      );
  }
  return problems;
}

/** Problems with a node_modules directory (the image's) against the bundles' external imports. */
export function checkModules(outputs: BundleOutput[], prod: ProductionDependencies, modulesDir: string): string[] {
  const problems: string[] = [];
  const used = [...new Set(outputs.flatMap((o) => o.externals))].sort();
  for (const ext of used) {
    const file = join(modulesDir, ext, 'package.json');
    if (!existsSync(file)) {
      problems.push(`${ext} is not installed in ${modulesDir}`);
      continue;
    }
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version: string };
    const specs = [...(prod.packages.get(ext)?.specs ?? [])];
    const exact = specs.filter((s) => /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(s));
    if (exact.length > 0 && !exact.includes(version)) problems.push(`${modulesDir}/${ext} is ${version}, the workspace declares ${specs.join(', ')}`);
  }
  return problems;
}

async function main(argv: string[]): Promise<number> {
  const arg = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const outdir = resolve(arg('--outdir') ?? join(ROOT, 'dist'));
  const modules = arg('--modules');
  rmSync(outdir, { recursive: true, force: true });
  const outputs = await bundle({ outdir });
  const prod = productionDependencies();
  const problems = [...checkExternals(outputs, prod), ...(modules ? checkModules(outputs, prod, resolve(modules)) : [])];
  for (const o of outputs)
    process.stdout.write(
      `${relative(process.cwd(), o.file).padEnd(28)} ${(o.bytes / 1024).toFixed(0).padStart(6)} KiB  imports ${o.externals.join(' ') || '(nothing)'}\n`,
    );
  for (const p of problems) process.stderr.write(`bundle: ${p}\n`);
  return problems.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) process.exitCode = await main(process.argv.slice(2));
