/**
 * Picks a health port for a replica that shares its network with other replicas of the same
 * service (compose's dispatchers on the host's network), where one fixed PORT would collide.
 *
 * Probing alone races: two replicas starting together both find the first port free, and the
 * service binds it only seconds later. So each candidate is first locked with an abstract Unix
 * socket named after it (Linux: abstract names belong to the network namespace, which such
 * replicas share), held until the process exits; then the port itself is probed, to skip ports
 * that something else holds.
 */
import { createServer, type Server } from 'node:net';

export interface PortRange {
  from: number;
  to: number;
}

/** "9200-9211" → { from: 9200, to: 9211 }; null unless 1 ≤ from ≤ to ≤ 65535. */
export function parsePortRange(s: string): PortRange | null {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(s);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return from >= 1 && from <= to && to <= 65535 ? { from, to } : null;
}

function listen(server: Server, target: { path: string } | { port: number; host: string }): Promise<boolean> {
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(target, () => resolve(true));
  });
}

export interface ReserveOptions {
  /** Prefix of the lock names (tests use their own). @default 'hookstream-health' */
  lockPrefix?: string;
}

/**
 * The first port of the range that this process now holds the lock of and that is free on
 * `host`, or null. The lock stays held (and unref'd) for the life of the process.
 */
export async function reservePort(range: PortRange, host = '0.0.0.0', opts: ReserveOptions = {}): Promise<number | null> {
  const prefix = opts.lockPrefix ?? 'hookstream-health';
  for (let port = range.from; port <= range.to; port++) {
    const lock = createServer();
    // Abstract sockets exist on Linux only; elsewhere the probe alone decides.
    if (process.platform === 'linux' && !(await listen(lock, { path: `\0${prefix}-${port}` }))) continue;
    const probe = createServer();
    const free = await listen(probe, { port, host });
    if (free) await new Promise<void>((r) => probe.close(() => r()));
    if (free) {
      lock.unref();
      return port;
    }
    lock.close();
  }
  return null;
}
