import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxyOptions {
  /** Where connections are forwarded; loopback only, like everything the tests touch. */
  target: { host: string; port: number };
  /** @default 0 (OS-assigned) */
  port?: number;
}

/**
 * What happens to connections that arrive while the proxy is cut:
 * - `refuse`: accepted and reset at once (the client sees ECONNRESET, like a closed port);
 * - `stall`: accepted and held without a byte either way (like a black-holed route) until
 *   restore(), which resets them; the client's own connect/handshake timeout decides.
 */
export type CutMode = 'refuse' | 'stall';

export interface TcpProxy {
  /** The loopback port clients connect to instead of the target. */
  readonly port: number;
  /** Connections forwarded so far, including ones since destroyed. */
  readonly accepted: number;
  /**
   * Destroys every open connection (both sides, with a reset, so the server rolls back any
   * open transaction and the client sees a dead socket) and treats new ones per `mode`.
   */
  cut(mode?: CutMode): void;
  /** Forwards new connections again; stalled ones are reset so their clients retry. */
  restore(): void;
  isCut(): boolean;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

function reset(socket: Socket): void {
  // resetAndDestroy sends RST instead of FIN: a peer mid-query gets an error, not a clean EOF.
  if (!socket.destroyed) socket.resetAndDestroy();
}

/**
 * A real TCP forwarder that fault-injection tests put between services and a shared server
 * (the database), so one test can take "the database" away from the services without
 * stopping the server that every other test uses.
 */
export async function startTcpProxy(opts: TcpProxyOptions): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  const stalled = new Set<Socket>();
  let mode: CutMode | undefined;
  let accepted = 0;

  const forward = (client: Socket): void => {
    accepted += 1;
    const upstream = createConnection({ host: opts.target.host, port: opts.target.port });
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    const drop = (): void => {
      if (!pairs.delete(pair)) return;
      reset(client);
      reset(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const server: Server = createServer({ noDelay: true }, (client) => {
    if (mode === 'refuse') {
      client.on('error', () => undefined);
      reset(client);
      return;
    }
    if (mode === 'stall') {
      client.on('error', () => undefined);
      client.pause();
      stalled.add(client);
      client.on('close', () => stalled.delete(client));
      return;
    }
    forward(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('tcp proxy: could not read its port');

  const dropAll = (): void => {
    for (const p of [...pairs]) {
      pairs.delete(p);
      reset(p.client);
      reset(p.upstream);
    }
  };

  return {
    port: address.port,
    get accepted() {
      return accepted;
    },
    cut(m = 'refuse') {
      mode = m;
      dropAll();
    },
    restore() {
      mode = undefined;
      for (const s of [...stalled]) reset(s);
      stalled.clear();
    },
    isCut: () => mode !== undefined,
    async close() {
      mode = 'refuse';
      dropAll();
      for (const s of [...stalled]) reset(s);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
