import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hookstream/observability';
import { InfraError } from './errors.js';
import { canConnect, freePort, sleep } from './net.js';
import { runCommand, tail } from './proc.js';
import type { TestPki } from './tls.js';

/** A MariaDB server of a test's own that takes TLS connections only (require_secure_transport=ON). */
export interface TlsMariaDb {
  /** mysql://user:pass@127.0.0.1:port/hookstream (the database exists). */
  readonly url: string;
  readonly port: number;
  /** The server's error log, the first place to look when it misbehaves. */
  readonly logFile: string;
  stop(): Promise<void>;
}

export interface StartTlsMariaDbOptions {
  log: Logger;
  /** Certificates of the server (serverCertFile/serverKeyFile, signed by caFile). */
  pki: TestPki;
  startTimeoutMs?: number;
}

const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';
const USER = 'tls_user';
const PASSWORD = 'tls-user-secret';

/**
 * Starts the machine's mariadbd on a free loopback port with a temp datadir, the PKI's server
 * certificate and require_secure_transport=ON, so a plain TCP client is refused. Takes a few
 * seconds (mariadb-install-db, then start-up). Needs MariaDB installed (not a container).
 */
export async function startTlsMariaDb(opts: StartTlsMariaDbOptions): Promise<TlsMariaDb> {
  if (!existsSync(MARIADBD) || !existsSync(INSTALL_DB)) {
    throw new InfraError('DATABASE_UNAVAILABLE', `the TLS database tests need MariaDB installed (${MARIADBD}, ${INSTALL_DB})`);
  }
  const log = opts.log.child({ component: 'tls-mariadb' });
  const dir = await mkdtemp(join(tmpdir(), 'hookstream-tls-mariadb-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'error.log');
  const port = await freePort();
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : [];
  const started = Date.now();
  let child: ChildProcess | undefined;
  try {
    const install = await runCommand(INSTALL_DB, [
      '--no-defaults',
      `--datadir=${dataDir}`,
      ...asRoot,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ]);
    if (install.code !== 0) throw new InfraError('DATABASE_UNAVAILABLE', `mariadb-install-db failed (exit ${install.code}):\n${tail(install.output, 15)}`);
    // Run at every start; the server refuses TCP without TLS for every account.
    const initFile = join(dir, 'init.sql');
    await writeFile(
      initFile,
      [
        'CREATE DATABASE IF NOT EXISTS hookstream;',
        `CREATE USER IF NOT EXISTS '${USER}'@'%' IDENTIFIED BY '${PASSWORD}';`,
        `GRANT ALL PRIVILEGES ON *.* TO '${USER}'@'%';`,
        '',
      ].join('\n'),
    );
    child = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        ...asRoot,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${logFile}`,
        `--init-file=${initFile}`,
        `--ssl-ca=${opts.pki.caFile}`,
        `--ssl-cert=${opts.pki.serverCertFile}`,
        `--ssl-key=${opts.pki.serverKeyFile}`,
        '--require-secure-transport=ON',
        '--skip-name-resolve',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-log-file-size=16M',
        '--performance-schema=OFF',
      ],
      { stdio: 'ignore' },
    );
    const proc = child;
    let exited = false;
    proc.once('exit', () => (exited = true));
    const killOnExit = (): void => void proc.kill('SIGKILL');
    process.once('exit', killOnExit);
    const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
    for (;;) {
      if (exited) throw new InfraError('DATABASE_UNAVAILABLE', `mariadbd exited during start-up\n${await logTail(logFile)}`);
      if ((await readLog(logFile)).includes('ready for connections') && (await canConnect(port))) break;
      if (Date.now() > deadline) throw new InfraError('DATABASE_UNAVAILABLE', `mariadbd did not start within the timeout\n${await logTail(logFile)}`);
      await sleep(100);
    }
    log.info({ port, ms: Date.now() - started }, 'TLS-only MariaDB started');
    return {
      url: `mysql://${USER}:${PASSWORD}@127.0.0.1:${port}/hookstream`,
      port,
      logFile,
      async stop() {
        if (!exited) {
          const gone = new Promise<void>((done) => proc.once('exit', () => done()));
          proc.kill('SIGTERM');
          const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
          await gone;
          clearTimeout(timer);
        }
        process.removeListener('exit', killOnExit);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function readLog(path: string): Promise<string> {
  return existsSync(path) ? readFile(path, 'utf8') : '';
}

async function logTail(path: string): Promise<string> {
  return `--- ${path} (tail) ---\n${tail(await readLog(path), 20) || '(empty)'}`;
}
