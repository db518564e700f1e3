import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeStartupError } from './startup-errors.js';

describe('describeStartupError', () => {
  it('names PORT for a port already in use (a real EADDRINUSE)', async () => {
    const first: Server = createServer();
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', r));
    const port = (first.address() as { port: number }).port;
    const second = createServer();
    const err = await new Promise<unknown>((r) => {
      second.once('error', r);
      second.listen(port, '127.0.0.1');
    });
    first.close();
    expect(describeStartupError(err)).toBe(`PORT: ${port} is already in use on 127.0.0.1; stop what listens there or set PORT`);
  });

  it('leaves anything else to the stack trace: a bug is not an operator error', () => {
    expect(describeStartupError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeNull();
    expect(describeStartupError('a string')).toBeNull();
  });

  it('follows the cause chain', () => {
    const inner = Object.assign(new Error('Unknown database'), { code: 'ER_BAD_DB_ERROR' });
    expect(describeStartupError(new Error('wrapped', { cause: inner }))).toMatch(/^DATABASE_URL: the database does not exist/);
  });
});
