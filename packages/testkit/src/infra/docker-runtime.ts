import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';

const PROBE_TIMEOUT_MS = 5_000;

/** Sockets Docker, rootless Docker, Docker Desktop, Colima and Podman commonly listen on. */
function candidateSockets(env: NodeJS.ProcessEnv): string[] {
  const runtimeDir = env['XDG_RUNTIME_DIR'];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  return [
    '/var/run/docker.sock',
    '/run/docker.sock',
    join(homedir(), '.docker', 'run', 'docker.sock'),
    join(homedir(), '.docker', 'desktop', 'docker.sock'),
    join(homedir(), '.colima', 'default', 'docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock'), join(runtimeDir, 'podman', 'podman.sock')] : []),
    ...(uid !== undefined ? [`/run/user/${uid}/docker.sock`] : []),
  ];
}

/**
 * Whether testcontainers can reach a container engine. The cheap check (no DOCKER_HOST, no
 * known socket, no testcontainers config) keeps machines without Docker from ever loading
 * testcontainers; otherwise testcontainers' own discovery decides, bounded by a timeout.
 */
export async function containerRuntimeAvailable(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const hinted =
    Boolean(env['DOCKER_HOST']) ||
    Boolean(env['TESTCONTAINERS_HOST_OVERRIDE']) ||
    existsSync(join(homedir(), '.testcontainers.properties')) ||
    candidateSockets(env).some((p) => existsSync(p));
  if (!hinted) return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
    });
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return true;
  } catch (err) {
    log.info({ err: err instanceof Error ? err.message : String(err) }, 'container runtime hinted but not usable; using local infrastructure');
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
