/**
 * A static reading of Dockerfiles, enough for what docker/Dockerfile uses, so that a build which
 * cannot run here (no Docker engine) still cannot break silently: every path a COPY or ADD takes
 * from the build context exists and is not dropped by the .dockerignore, stages referred to
 * exist, and the final stage is a production image (non-root USER, HEALTHCHECK, started by
 * `node` in exec form, no tsx, node_modules only from stages that install --prod).
 * scripts/image/dockerfile.test.ts runs it on docker/.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface Instruction {
  /** Upper-case keyword: FROM, COPY, RUN, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  index: number;
  /** `AS name`, lower-cased as Docker compares them. */
  name?: string;
  /** The image or earlier stage it starts from, ARGs substituted. */
  from: string;
  line: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
}

/** Splits into instructions: comments dropped (also inside continuations), `\` continuations joined. */
export function instructionsOf(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  let current: Instruction | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && current === null)) continue;
    if (trimmed === '' && current !== null) continue;
    const continues = /\\\s*$/.test(raw);
    const body = continues ? raw.replace(/\\\s*$/, '') : raw;
    if (current === null) {
      const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(body);
      if (!m) throw new Error(`line ${i + 1}: not an instruction: ${raw}`);
      current = { keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: i + 1 };
    } else {
      current.args = `${current.args} ${body.trim()}`.trim();
    }
    if (!continues) {
      out.push(current);
      current = null;
    }
  }
  if (current !== null) out.push(current);
  return out;
}

function substitute(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a?: string, dflt?: string, b?: string) => {
    const name = (a ?? b) as string;
    return vars[name] ?? dflt ?? '';
  });
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructionsOf(text)) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const from = substitute(words[0] ?? '', globalArgs);
      const as = words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
      stages.push({ index: stages.length, ...(as ? { name: as } : {}), from, line: ins.line, instructions: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (stage) stage.instructions.push(ins);
    else if (ins.keyword === 'ARG') {
      const [name, ...dflt] = ins.args.split('=');
      globalArgs[(name as string).trim()] = dflt
        .join('=')
        .trim()
        .replace(/^["']|["']$/g, '');
    }
  }
  return { stages, globalArgs };
}

/** A JSON array (exec form), or null for shell form. */
export function execForm(args: string): string[] | null {
  if (!args.trimStart().startsWith('[')) return null;
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

export interface CopySpec {
  keyword: 'COPY' | 'ADD';
  flags: Record<string, string>;
  sources: string[];
  dest: string;
  line: number;
}

export function copySpec(ins: Instruction): CopySpec {
  let rest = ins.args;
  const flags: Record<string, string> = {};
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(rest);
    if (!m) break;
    flags[m[1] as string] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  const words = execForm(rest) ?? rest.split(/\s+/).filter(Boolean);
  return { keyword: ins.keyword as 'COPY' | 'ADD', flags, sources: words.slice(0, -1), dest: words[words.length - 1] ?? '', line: ins.line };
}

export interface IgnoreRules {
  (path: string): boolean;
  /** Whether any rule re-includes (`!`): then an ignored directory may still hold files that are not. */
  negations: boolean;
}

/** Docker's .dockerignore rules (moby/patternmatcher): last match wins, `!` re-includes, a match covers what is below it. */
export function dockerignore(text: string): IgnoreRules {
  const rules = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, '');
      return { negate, re: globRegex(pattern) };
    });
  const ignored = (path: string): boolean => {
    const clean = posix.normalize(path).replace(/^\.\//, '');
    if (clean === '.') return false;
    const parts = clean.split('/');
    let out = false;
    for (const rule of rules) {
      let hit = false;
      for (let n = 1; n <= parts.length && !hit; n++) hit = rule.re.test(parts.slice(0, n).join('/'));
      if (hit) out = !rule.negate;
    }
    return out;
  };
  return Object.assign(ignored, { negations: rules.some((r) => r.negate) });
}

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        re += '(?:.*/)?';
      } else re += '.*';
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Context paths a COPY source names: wildcards (`*`, `?`) expanded one path segment at a time. */
export function expandSource(contextDir: string, source: string): string[] {
  const segments = posix
    .normalize(source)
    .replace(/^\/+/, '')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  let paths = [''];
  for (const seg of segments) {
    const next: string[] = [];
    for (const p of paths) {
      if (!/[*?[]/.test(seg)) {
        if (existsSync(join(contextDir, p, seg))) next.push(p ? `${p}/${seg}` : seg);
        continue;
      }
      const dir = join(contextDir, p);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
      const re = globRegex(seg);
      for (const entry of readdirSync(dir)) if (re.test(entry)) next.push(p ? `${p}/${entry}` : entry);
    }
    paths = next;
  }
  return paths.map((p) => (p === '' ? '.' : p));
}

/** Files below `rel` (or `rel` itself) that the build context keeps; stops after `limit`. */
export function keptFiles(contextDir: string, rel: string, ignored: IgnoreRules, limit = Infinity, out: string[] = []): string[] {
  if (out.length >= limit) return out;
  const abs = join(contextDir, rel);
  if (!statSync(abs).isDirectory()) {
    if (!ignored(rel)) out.push(rel);
    return out;
  }
  if (rel !== '.' && ignored(rel) && !ignored.negations) return out;
  for (const entry of readdirSync(abs).sort()) {
    keptFiles(contextDir, rel === '.' ? entry : `${rel}/${entry}`, ignored, limit, out);
    if (out.length >= limit) break;
  }
  return out;
}

/** Problems with what the Dockerfile takes from the build context and with its stage references. */
export function checkContextCopies(df: Dockerfile, contextDir: string, ignored: IgnoreRules): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const stage of df.stages) {
    if (!names.has(stage.from.toLowerCase()) && !/[:@]/.test(stage.from) && stage.from !== 'scratch')
      problems.push(`line ${stage.line}: FROM ${stage.from}: pin a tag (or name an earlier stage)`);
    if (/:latest$/.test(stage.from)) problems.push(`line ${stage.line}: FROM ${stage.from}: pin a tag, not latest`);
    for (const ins of stage.instructions) {
      if (/<<-?\s*["']?[A-Za-z_]+/.test(ins.args) && (ins.keyword === 'RUN' || ins.keyword === 'COPY'))
        problems.push(`line ${ins.line}: heredocs are not understood by this check`);
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const spec = copySpec(ins);
      const from = spec.flags.from;
      if (from !== undefined) {
        if (!names.has(from.toLowerCase()) && !/^\d+$/.test(from) && !/[:/@]/.test(from))
          problems.push(`line ${ins.line}: ${ins.keyword} --from=${from}: no earlier stage has that name`);
        continue;
      }
      for (const source of spec.sources) {
        if (/^https?:\/\//.test(source) || /^git@/.test(source)) continue;
        if (posix.normalize(source).startsWith('..')) {
          problems.push(`line ${ins.line}: ${ins.keyword} ${source}: outside the build context`);
          continue;
        }
        const matches = expandSource(contextDir, source);
        if (matches.length === 0) {
          problems.push(`line ${ins.line}: ${ins.keyword} ${source}: no such file in the build context`);
          continue;
        }
        for (const m of matches)
          if (keptFiles(contextDir, m, ignored, 1).length === 0)
            problems.push(
              `line ${ins.line}: ${ins.keyword} ${source}: ${ignored(m) ? `${m} is excluded by the .dockerignore` : 'nothing left to copy after the .dockerignore'}`,
            );
      }
    }
    if (stage.name) names.add(stage.name);
  }
  return problems;
}

/** The stages `stage` builds on (itself first), following FROM <earlier stage>. */
function lineage(df: Dockerfile, stage: Stage): Stage[] {
  const chain = [stage];
  let s: Stage | undefined = stage;
  while (s) {
    const from: string = s.from.toLowerCase();
    s = df.stages.find((x) => x.index < (s as Stage).index && x.name === from);
    if (s) chain.push(s);
  }
  return chain;
}

function last(chain: Stage[], keyword: string): Instruction | undefined {
  for (const s of chain)
    for (let i = s.instructions.length - 1; i >= 0; i--) if ((s.instructions[i] as Instruction).keyword === keyword) return s.instructions[i];
  return undefined;
}

const installsDev = (run: string): boolean =>
  /\b(pnpm|npm|yarn)\s+(install|i|ci|add)\b/.test(run) && !/--prod\b|--production\b|--omit[= ]dev\b/.test(run) && !/\bnpm\s+install\s+-g\b/.test(run);

/** Problems with the final stage as a production image. */
export function checkRuntimeStage(df: Dockerfile): string[] {
  const final = df.stages[df.stages.length - 1];
  if (!final) return ['no FROM: not a Dockerfile'];
  const chain = lineage(df, final);
  const where = `final stage${final.name ? ` (${final.name})` : ''}`;
  const problems: string[] = [];

  const user = last(chain, 'USER');
  const who = user?.args.split(':')[0]?.trim();
  if (!user) problems.push(`${where}: no USER: it would run as root`);
  else if (who === 'root' || who === '0') problems.push(`${where}: USER ${user.args} is root`);

  const health = last(chain, 'HEALTHCHECK');
  if (!health || /^NONE\b/i.test(health.args)) problems.push(`${where}: no HEALTHCHECK`);
  else if (!/\bCMD\b/.test(health.args)) problems.push(`${where}: HEALTHCHECK without CMD`);

  const entrypoint = last(chain, 'ENTRYPOINT');
  const cmd = last(chain, 'CMD');
  const start = entrypoint ? execForm(entrypoint.args) : cmd ? execForm(cmd.args) : null;
  if (!entrypoint && !cmd) problems.push(`${where}: no CMD or ENTRYPOINT`);
  else if (start === null)
    problems.push(`${where}: ${entrypoint ? 'ENTRYPOINT' : 'CMD'} in shell form: a shell, not node, would be PID 1's child and get the signals`);
  else if (start[0] !== 'node') problems.push(`${where}: starts ${JSON.stringify(start[0])}, not node`);

  for (const s of chain)
    for (const ins of s.instructions) {
      if (/\btsx\b/.test(ins.args)) problems.push(`line ${ins.line}: ${ins.keyword} mentions tsx: the image runs compiled JavaScript`);
      if (ins.keyword === 'RUN' && installsDev(ins.args)) problems.push(`line ${ins.line}: the final stage installs dependencies without --prod`);
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const spec = copySpec(ins);
      const from = spec.flags.from?.toLowerCase();
      if (from === undefined) {
        if (spec.sources.some((p) => posix.normalize(p) === '.')) problems.push(`line ${ins.line}: the final stage copies the whole build context`);
        continue;
      }
      const source = df.stages.find((x) => x.name === from);
      if (!source || !spec.sources.some((p) => /(^|\/)node_modules\/?$/.test(p))) continue;
      const dev = lineage(df, source).flatMap((x) => x.instructions.filter((i) => i.keyword === 'RUN' && installsDev(i.args)));
      if (dev.length > 0) problems.push(`line ${ins.line}: node_modules comes from stage ${from}, which installs dev dependencies (line ${dev[0]?.line})`);
    }
  return problems;
}

/**
 * Where the files a stage copies from the build context land in the image: image path →
 * context path (relative destinations resolved against the WORKDIR in force).
 */
export function contextFilesIn(df: Dockerfile, stage: Stage, contextDir: string, ignored: IgnoreRules): Map<string, string> {
  const out = new Map<string, string>();
  let workdir = '/';
  for (const s of lineage(df, stage).reverse())
    for (const ins of s.instructions) {
      if (ins.keyword === 'WORKDIR') workdir = posix.resolve(workdir, ins.args.trim());
      if ((ins.keyword !== 'COPY' && ins.keyword !== 'ADD') || s !== stage) continue;
      const spec = copySpec(ins);
      if (spec.flags.from !== undefined) continue;
      const dest = posix.resolve(workdir, spec.dest);
      const intoDir = spec.dest.endsWith('/') || spec.sources.length > 1;
      for (const source of spec.sources)
        for (const m of expandSource(contextDir, source)) {
          const isDir = statSync(join(contextDir, m)).isDirectory();
          for (const file of keptFiles(contextDir, m, ignored)) {
            const below = isDir ? posix.relative(m === '.' ? '' : m, file) : posix.basename(file);
            out.set(isDir || intoDir ? posix.join(dest, below) : dest, file);
          }
        }
    }
  return out;
}
