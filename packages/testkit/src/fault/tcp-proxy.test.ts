import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

/** Connects, writes `text`, and reports what came back before the socket ended, and how. */
function exchange(port: number, text: string, waitMs = 2_000): Promise<{ data: string; ended: 'close' | 'error' | 'timeout' }> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ended: 'close' | 'error' | 'timeout') => {
      clearTimeout(timer);
      s.removeAllListeners();
      s.destroy();
      resolve({ data, ended });
    };
    const timer = setTimeout(() => done('timeout'), waitMs);
    s.on('connect', () => s.write(text));
    s.on('data', (c: Buffer) => {
      data += c.toString('utf8');
      if (data.endsWith('\n')) done('close');
    });
    s.on('error', () => done('error'));
    s.on('close', () => done('close'));
  });
}

describe('startTcpProxy', () => {
  let echo: Server;
  let proxy: TcpProxy;
  const serverSockets = new Set<Socket>();

  beforeEach(async () => {
    echo = createServer((s) => {
      serverSockets.add(s);
      s.on('close', () => serverSockets.delete(s));
      s.on('error', () => undefined);
      s.on('data', (c: Buffer) => s.write(`echo:${c.toString('utf8')}`));
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const address = echo.address();
    if (!address || typeof address !== 'object') throw new Error('no address');
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: address.port } });
  });
  afterEach(async () => {
    await proxy.close();
    for (const s of serverSockets) s.destroy();
    await new Promise<void>((r) => echo.close(() => r()));
  });

  it('forwards bytes both ways', async () => {
    expect(await exchange(proxy.port, 'hello\n')).toEqual({ data: 'echo:hello\n', ended: 'close' });
    expect(proxy.accepted).toBe(1);
  });

  it('cut() kills open connections on both sides, refuses new ones until restore()', async () => {
    const open = createConnection({ host: '127.0.0.1', port: proxy.port });
    await new Promise<void>((r) => open.once('connect', () => r()));
    open.write('x\n');
    await new Promise<void>((r) => open.once('data', () => r()));
    expect(serverSockets.size).toBe(1);
    const closed = new Promise<boolean>((r) => open.once('close', (hadError) => r(hadError)));
    open.on('error', () => undefined);

    proxy.cut();
    expect(await closed).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(serverSockets.size).toBe(0);
    expect(proxy.isCut()).toBe(true);
    const refused = await exchange(proxy.port, 'again\n');
    expect(refused.data).toBe('');
    expect(refused.ended).not.toBe('timeout');

    proxy.restore();
    expect(await exchange(proxy.port, 'back\n')).toEqual({ data: 'echo:back\n', ended: 'close' });
  });

  it("cut('stall') holds new connections silently and resets them on restore()", async () => {
    proxy.cut('stall');
    const pending = exchange(proxy.port, 'held\n', 5_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(serverSockets.size).toBe(0);
    proxy.restore();
    const r = await pending;
    expect(r.data).toBe('');
    expect(r.ended).not.toBe('timeout');
    expect(await exchange(proxy.port, 'ok\n')).toEqual({ data: 'echo:ok\n', ended: 'close' });
  });
});
