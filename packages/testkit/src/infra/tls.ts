import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfraError } from './errors.js';
import { isEnoent, runCommand, tail } from './proc.js';

/** Files of a throw-away PKI made with openssl and keytool: one CA, a server and a client certificate. */
export interface TestPki {
  readonly dir: string;
  /** The CA's certificate (PEM): what a client trusts. */
  readonly caFile: string;
  /** Server certificate and unencrypted key (PEM), for 127.0.0.1 and localhost. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** The server's key and certificate chain as a PKCS12 keystore (Kafka's ssl.keystore). */
  readonly serverKeystore: string;
  /** The CA as a PKCS12 truststore made by keytool (Kafka's ssl.truststore, for client certificates). */
  readonly truststore: string;
  /** Password of both stores. */
  readonly storePassword: string;
  /** A client certificate and key (PEM) signed by the CA, for mutual TLS. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A second CA, which signed nothing here: a client trusting it must refuse the server. */
  readonly otherCaFile: string;
  remove(): Promise<void>;
}

const DAYS = '2';

/**
 * Makes a CA, a server certificate (SAN IP:127.0.0.1, DNS:localhost) and a client certificate in
 * a temp dir. Takes a second or two (RSA 2048 keys); needs openssl, and keytool (Java) for the
 * truststore.
 */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'hookstream-pki-'));
  const f = (name: string): string => join(dir, name);
  const storePassword = 'test-store-pass';
  try {
    await writeFile(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    await writeFile(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const ca of ['ca', 'other-ca']) {
      await run('openssl', [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f(`${ca}.key`),
        '-out',
        f(`${ca}.pem`),
        '-days',
        DAYS,
        '-subj',
        `/CN=hookstream test ${ca}`,
      ]);
    }
    for (const leaf of ['server', 'client']) {
      await run('openssl', [
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        f(`${leaf}.key`),
        '-out',
        f(`${leaf}.csr`),
        '-subj',
        `/CN=${leaf === 'server' ? 'localhost' : 'hookstream-client'}`,
      ]);
      await run('openssl', [
        'x509',
        '-req',
        '-in',
        f(`${leaf}.csr`),
        '-CA',
        f('ca.pem'),
        '-CAkey',
        f('ca.key'),
        '-CAcreateserial',
        '-out',
        f(`${leaf}.pem`),
        '-days',
        DAYS,
        '-extfile',
        f(`${leaf}.ext`),
      ]);
    }
    await run('openssl', [
      'pkcs12',
      '-export',
      '-in',
      f('server.pem'),
      '-inkey',
      f('server.key'),
      '-certfile',
      f('ca.pem'),
      '-name',
      'server',
      '-out',
      f('server.p12'),
      '-passout',
      `pass:${storePassword}`,
    ]);
    await run('keytool', [
      '-importcert',
      '-noprompt',
      '-alias',
      'ca',
      '-file',
      f('ca.pem'),
      '-keystore',
      f('trust.p12'),
      '-storetype',
      'PKCS12',
      '-storepass',
      storePassword,
    ]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    caFile: f('ca.pem'),
    serverCertFile: f('server.pem'),
    serverKeyFile: f('server.key'),
    serverKeystore: f('server.p12'),
    truststore: f('trust.p12'),
    storePassword,
    clientCertFile: f('client.pem'),
    clientKeyFile: f('client.key'),
    otherCaFile: f('other-ca.pem'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function run(cmd: string, args: readonly string[]): Promise<void> {
  let r;
  try {
    r = await runCommand(cmd, args);
  } catch (err) {
    if (isEnoent(err)) throw new InfraError('TOOL_MISSING', `${cmd} is not installed; the TLS tests need openssl and keytool (Java 17+)`, { cause: err });
    throw err;
  }
  if (r.code !== 0) throw new InfraError('TOOL_FAILED', `${cmd} ${args[0] ?? ''} failed (exit ${r.code}):\n${tail(r.output, 10)}`);
}
