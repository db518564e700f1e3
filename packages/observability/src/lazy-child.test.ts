import { describe, expect, it, vi } from 'vitest';
import { lazyChildLoggerFactory } from './lazy-child.js';
import { createLogger } from './logger.js';

function capture(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ name: 'lazy-test', level, destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } });
  return { log, lines };
}

describe('lazyChildLoggerFactory', () => {
  it('makes no child for a request that logs nothing at an enabled level', () => {
    const { log, lines } = capture();
    const child = vi.spyOn(log, 'child');
    const lazy = lazyChildLoggerFactory(log, { reqId: 'r-1' }, {});
    lazy.debug({ a: 1 }, 'not at info');
    lazy.trace('nor this');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(lazy.level).toBe('info');
  });

  it("writes an enabled line with the child's bindings, making the child once", () => {
    const { log, lines } = capture();
    const child = vi.spyOn(log, 'child');
    const lazy = lazyChildLoggerFactory(log, { reqId: 'r-2' }, {});
    lazy.warn({ code: 'X' }, 'first');
    lazy.error('second');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((l) => [l.reqId, l.msg, l.level])).toEqual([
      ['r-2', 'first', 40],
      ['r-2', 'second', 50],
    ]);
    expect(lines[0]?.code).toBe('X');
  });

  it("follows its parent's level until its own is set", () => {
    const { log, lines } = capture();
    const lazy = lazyChildLoggerFactory(log, { reqId: 'r-3' }, {});
    log.level = 'debug';
    lazy.debug('now enabled');
    lazy.level = 'error';
    lazy.warn('now disabled');
    expect(lines.map((l) => l.msg)).toEqual(['now enabled']);
    expect(log.level).toBe('debug');
  });

  it('makes a child with its own options at once, as Fastify would', () => {
    const { log } = capture();
    const child = vi.spyOn(log, 'child');
    lazyChildLoggerFactory(log, { reqId: 'r-4' }, { level: 'warn' });
    expect(child).toHaveBeenCalledWith({ reqId: 'r-4' }, { level: 'warn' });
  });
});
