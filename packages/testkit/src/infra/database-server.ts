import { existsSync } from 'node:fs';
import type { Logger } from '@hookstream/observability';
import { redactUrl } from '@hookstream/observability';
import { serverUrlOf, serverVersion } from './database.js';
import { containerRuntimeAvailable } from './docker-runtime.js';
import { InfraError } from './errors.js';
import type { InfraSource } from './kafka-types.js';
import { sleep } from './net.js';
import { runCommand } from './proc.js';

export interface DatabaseServer {
  /** mysql://user:pass@host:port without a database; tests create their own databases on it. */
  readonly url: string;
  readonly source: InfraSource;
  /** Stops a container this process started; env and local servers are left running. */
  stop(): Promise<void>;
}

export interface StartDatabaseServerOptions {
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

export const MYSQL_IMAGE = 'mysql:8.4';
export const LOCAL_DATABASE_URL = 'mysql://root:@127.0.0.1:3306';
const MARIADBD = '/usr/sbin/mariadbd';
const START_HINT = `start it with: start-stop-daemon --start --oknodo --background --exec ${MARIADBD}`;

/**
 * A MySQL-compatible server in the design's order: DATABASE_URL (its server part), else a
 * mysql:8.4 container when Docker answers, else the machine's MariaDB on 127.0.0.1:3306.
 */
export async function startDatabaseServer(opts: StartDatabaseServerOptions): Promise<DatabaseServer> {
  const env = opts.env ?? process.env;
  const fromEnv = env['DATABASE_URL'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const url = serverUrlOf(fromEnv.trim());
    await serverVersion(url).catch((err: unknown) => {
      throw new InfraError('DATABASE_UNAVAILABLE', `DATABASE_URL ${redactUrl(url)} does not answer: ${message(err)}`, { cause: err });
    });
    return { url, source: 'env', stop: () => Promise.resolve() };
  }
  if (env['HOOKSTREAM_INFRA'] !== 'local' && (await containerRuntimeAvailable(opts.log, env))) {
    return startMySqlContainer(opts.log);
  }
  await ensureLocalServer(opts.log);
  return { url: LOCAL_DATABASE_URL, source: 'local', stop: () => Promise.resolve() };
}

async function startMySqlContainer(log: Logger): Promise<DatabaseServer> {
  const { MySqlContainer } = await import('@testcontainers/mysql');
  log.info({ image: MYSQL_IMAGE }, 'starting MySQL container');
  const rootPassword = 'hookstream';
  const container = await new MySqlContainer(MYSQL_IMAGE).withRootPassword(rootPassword).start();
  const u = new URL('mysql://127.0.0.1');
  u.hostname = container.getHost();
  u.port = String(container.getPort());
  u.username = 'root';
  u.password = rootPassword;
  return {
    url: u.toString().replace(/\/$/, ''),
    source: 'testcontainers',
    async stop() {
      await container.stop();
    },
  };
}

async function ensureLocalServer(log: Logger): Promise<void> {
  const first = await probe();
  if (first === undefined) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!existsSync(MARIADBD) || !isRoot) {
    throw new InfraError('DATABASE_UNAVAILABLE', `no database at ${LOCAL_DATABASE_URL} (${first}); ${START_HINT} (or set DATABASE_URL)`);
  }
  log.info({ reason: first }, 'local MariaDB not answering; starting it');
  const started = await runCommand('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', MARIADBD]).catch((err: unknown) => ({
    code: -1,
    output: message(err),
  }));
  if (started.code !== 0) {
    throw new InfraError('DATABASE_UNAVAILABLE', `could not start MariaDB (${started.output}); ${START_HINT} (or set DATABASE_URL)`);
  }
  let last = first;
  for (let i = 0; i < 60; i++) {
    await sleep(500);
    const failure = await probe();
    if (failure === undefined) return;
    last = failure;
  }
  throw new InfraError(
    'DATABASE_UNAVAILABLE',
    `MariaDB was started but ${LOCAL_DATABASE_URL} still does not answer (${last}); ${START_HINT} (or set DATABASE_URL)`,
  );
}

/** undefined when the local server answers a query, else why not. */
async function probe(): Promise<string | undefined> {
  try {
    await serverVersion(LOCAL_DATABASE_URL);
    return undefined;
  } catch (err) {
    return message(err);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
