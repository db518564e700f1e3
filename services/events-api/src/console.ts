import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The operator console (packages/console, a Vite build) served at /console. The files carry no
 * data and need no token: the app calls the JSON routes with the operator's bearer token. Every
 * answer forbids other origins (CSP), framing and MIME sniffing.
 */

/** Scripts, styles, images and calls only from this origin; nothing inline, no frames, no plugins. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** packages/console/dist of this checkout (CONSOLE_DIR overrides it, e.g. in an image). */
export function defaultConsoleDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../packages/console/dist');
}

export const CONSOLE_BUILD_HINT =
  'build it with `pnpm --filter @hookstream/console build` (npm start does when it is missing or stale), or point CONSOLE_DIR at a build';

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * GET /console and /console/*: a file of the build when one matches (hashed assets cached for a
 * year), else index.html for the app's own routes (/console/events/12). A missing build is a
 * 503 saying how to make one.
 */
export function consoleRoutes(app: FastifyInstance, opts: { dir: string }): void {
  const root = resolve(opts.dir);
  const index = join(root, 'index.html');

  const serve = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    secure(reply);
    const rel = (req.params as { '*'?: string })['*'] ?? '';
    const path = resolve(root, rel);
    const inside = path === root || path.startsWith(root + sep);
    if (inside && rel !== '' && !rel.includes('\0') && (await isFile(path))) {
      const type = TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      const immutable = rel.startsWith('assets/');
      return reply
        .type(type)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(await readFile(path));
    }
    // A missing script or style is a 404, not the page: the browser would run HTML as JavaScript.
    if (extname(rel) !== '' || rel.startsWith('assets/')) {
      return reply
        .code(404)
        .type('application/json; charset=utf-8')
        .send({ code: 'NOT_FOUND', message: `no console file ${rel}` });
    }
    if (!(await isFile(index))) {
      return reply
        .code(503)
        .type('application/json; charset=utf-8')
        .send({ code: 'CONSOLE_NOT_BUILT', message: `the console is not built (no ${index}): ${CONSOLE_BUILD_HINT}` });
    }
    return reply
      .type(TYPES['.html'] as string)
      .header('cache-control', 'no-cache')
      .send(await readFile(index));
  };

  app.get('/console', { logLevel: 'warn', schema: consoleSchema(false) }, serve);
  app.get('/console/*', { logLevel: 'warn', schema: consoleSchema(true) }, serve);
}

/** The console's files: any query string is the app's own state (the server ignores it). */
function consoleSchema(withPath: boolean) {
  return {
    summary: withPath ? 'A file of the console build, or its page for the app’s own routes' : 'The operator console (no token: it calls the API with yours)',
    tags: ['console'],
    ...(withPath ? { params: { type: 'object', properties: { '*': { type: 'string', description: 'A file of the build, or a route of the app.' } } } } : {}),
    querystring: { type: 'object', properties: {}, additionalProperties: true, description: 'Read by the console app in the browser, not by the server.' },
    response: {
      200: {
        description: 'index.html, or the build file asked for',
        content: { 'text/html': { schema: { type: 'string' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
      },
    },
  };
}
