import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The README and the docs pages link each other by relative paths and heading anchors. A page
 * moved or a heading renamed breaks such links silently on GitHub; this test finds them.
 */

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const docsDir = join(root, 'docs');

const pages = [
  join(root, 'README.md'),
  ...readdirSync(docsDir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => join(docsDir, e.name)),
];

/** The text outside fenced code blocks and inline code, where `](…)` is markdown and not an example. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors (github-slugger): lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const withoutFences = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const m of withoutFences.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = (m[1] as string).replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

interface Link {
  from: string;
  target: string;
}

function localLinks(file: string): Link[] {
  const out: Link[] = [];
  for (const m of prose(readFileSync(file, 'utf8')).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1] as string;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    out.push({ from: relative(root, file), target });
  }
  return out;
}

function problem(link: Link): string | undefined {
  const [path = '', anchor] = link.target.split('#', 2);
  const file = path === '' ? join(root, link.from) : resolve(dirname(join(root, link.from)), decodeURIComponent(path));
  if (!existsSync(file)) return `${link.from}: ${link.target}: no such file`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!file.endsWith('.md') || statSync(file).isDirectory()) return `${link.from}: ${link.target}: an anchor into a file that has no headings`;
  if (!headingAnchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) return `${link.from}: ${link.target}: no heading with that anchor`;
  return undefined;
}

describe('links of the README and docs/', () => {
  const links = pages.flatMap(localLinks);

  it('finds the links (the scan reads the pages)', () => {
    expect(links.length).toBeGreaterThan(50);
    expect(links.some((l) => l.from === 'README.md' && l.target === 'docs/screenshots/events.png')).toBe(true);
  });

  it('resolve to files that exist and headings that exist', () => {
    expect(links.map(problem).filter((p) => p !== undefined)).toEqual([]);
  });

  it('include every docs page in the README', () => {
    const fromReadme = new Set(localLinks(join(root, 'README.md')).map((l) => l.target.split('#')[0]));
    const docs = pages.filter((p) => p.startsWith(docsDir)).map((p) => relative(root, p));
    expect(docs.filter((d) => !fromReadme.has(d))).toEqual([]);
  });
});

describe("the README's test command", () => {
  it('is what CI runs', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);
    const testCommand = blocks.flatMap((b) => b.split('\n')).find((l) => /^npm test\b/.test(l));
    expect(testCommand?.replace(/\s+#.*$/, '')).toBe('npm test');
    const ci = readFileSync(join(root, '.ci', 'run'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#') && !/^(set|cd) /.test(l));
    expect(ci).toEqual(['npm test']);
  });
});

describe('headingAnchors', () => {
  it('spells anchors as GitHub does', () => {
    const md = [
      '# Hookstream',
      '## events-api (Bearer token from `EVENTS_API_TOKENS`)',
      '### Edge: `POST /webhooks/hubspot`',
      '## Tests',
      '## Tests',
      '```',
      '## not a heading',
      '```',
    ].join('\n');
    expect([...headingAnchors(md)]).toEqual(['hookstream', 'events-api-bearer-token-from-events_api_tokens', 'edge-post-webhookshubspot', 'tests', 'tests-1']);
  });
});
