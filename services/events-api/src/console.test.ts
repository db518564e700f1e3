import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@hookstream/observability';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import { CONSOLE_CSP } from './console.js';
import { createFakeLedger } from './testing/fake-reader.js';

const TOKEN = 'tok_console_0123456789';
const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/app-1.js"></script></head><body><div id="root"></div></body></html>';

let dir: string;
let built: FastifyInstance;
let unbuilt: FastifyInstance;

async function app(consoleDir: string | undefined): Promise<FastifyInstance> {
  return buildApp({
    config: { EVENTS_API_TOKENS: [TOKEN] },
    ledger: createFakeLedger([]),
    parts: [],
    log: createLogger({ name: 'console-test', level: 'silent' }),
    ready: async () => true,
    ...(consoleDir ? { consoleDir } : {}),
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'app-1.css'), 'body{}');
  writeFileSync(join(tmpdir(), 'console-secret.txt'), 'outside');
  built = await app(dir);
  unbuilt = await app(join(dir, 'missing'));
});
afterAll(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'console-secret.txt'), { force: true });
});

describe('GET /console', () => {
  it('serves index.html without a token, with a CSP that allows this origin only', async () => {
    for (const url of ['/console', '/console/']) {
      const res = await built.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-cache');
    }
    expect(CONSOLE_CSP).toContain("default-src 'none'");
    expect(CONSOLE_CSP).not.toMatch(/https?:|\*/);
  });

  it("answers the app's own routes with index.html, so a reload of /console/events/12 works", async () => {
    for (const url of ['/console/events/12', '/console/endpoints/ep_x?state=dead']) {
      const res = await built.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves assets with their content types, hashed ones cached for good', async () => {
    const js = await built.inject({ url: '/console/assets/app-1.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await built.inject({ url: '/console/assets/app-1.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a missing asset instead of the page, and never a file outside the build', async () => {
    const missing = await built.inject({ url: '/console/assets/gone.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
    for (const url of ['/console/..%2f..%2fconsole-secret.txt', '/console/%2e%2e/%2e%2e/console-secret.txt', '/console/..%5c..%5cconsole-secret.txt']) {
      const res = await built.inject({ url });
      expect(res.body).not.toContain('outside');
      expect([200, 404]).toContain(res.statusCode);
    }
  });

  it('answers 503 saying how to build it when the build is missing', async () => {
    const res = await unbuilt.inject({ url: '/console/events' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ code: 'CONSOLE_NOT_BUILT' });
    expect(res.json().message).toContain('pnpm --filter @hookstream/console build');
  });

  it('leaves the JSON routes behind the token', async () => {
    expect((await built.inject({ url: '/events' })).statusCode).toBe(401);
    expect((await built.inject({ url: '/events', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
  });

  it('is absent without a console directory', async () => {
    const none = await app(undefined);
    expect((await none.inject({ url: '/console' })).statusCode).toBe(404);
    await none.close();
  });
});
