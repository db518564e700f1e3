/**
 * The third parties' fakes as one process, for docker-compose's `fakes` service: the HubSpot CRM
 * API (holding the sample contacts, like `npm start`'s), Meta's Conversions API and Brevo, the
 * same fakes of packages/testkit that `npm start` runs. The fakes listen on 127.0.0.1 only, so
 * each gets a TCP forwarder on FAKES_HOST (all interfaces by default) at its fixed port, which
 * other containers reach as http://fakes:<port>. PORT serves /healthz and /readyz.
 *
 *   FAKE_HUBSPOT_PORT / FAKE_META_PORT / FAKE_BREVO_PORT   override the fixed ports (0: any free port)
 */
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { createLogger } from '@hookstream/observability';
// The fakes' own modules, not testkit's index: that one also brings the test infrastructure
// (testcontainers, fast-check), which the image does not install.
import { startFakeBrevo } from '../../packages/testkit/src/brevo/server.js';
import { startFakeHubSpot } from '../../packages/testkit/src/hubspot/server.js';
import { startFakeMeta } from '../../packages/testkit/src/meta/server.js';
import { LOCAL } from '../local-defaults.js';
import { seedSampleObjects } from '../sample-data.js';
import { FAKE_BREVO_KEY, FAKE_PORTS, SERVICES } from './layout.js';

const env = process.env;
const log = createLogger({ name: 'fakes', level: env.LOG_LEVEL || 'info' });
const host = env.FAKES_HOST || '0.0.0.0';
const portOf = (name: string, dflt: number): number => {
  const raw = env[name];
  const n = raw === undefined || raw === '' ? dflt : Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`fakes: ${name} must be a port number\n`);
    process.exit(2);
  }
  return n;
};

/** Listens on host:port and pipes every connection to 127.0.0.1:target. */
async function forward(port: number, target: number): Promise<Server> {
  const server = createServer((socket) => {
    const upstream = connect(target, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

const hubspot = await startFakeHubSpot({ tokens: new Map([[LOCAL.samplePortalId, LOCAL.fakeHubSpotToken]]), log: log.child({ component: 'fake-hubspot' }) });
seedSampleObjects(hubspot);
const meta = await startFakeMeta({ accessToken: LOCAL.fakeMetaToken });
const brevo = await startFakeBrevo({ apiKey: FAKE_BREVO_KEY });

const fakes = [
  { name: 'hubspot', url: hubspot.url, port: portOf('FAKE_HUBSPOT_PORT', FAKE_PORTS.hubspot) },
  { name: 'meta', url: meta.url, port: portOf('FAKE_META_PORT', FAKE_PORTS.meta) },
  { name: 'brevo', url: brevo.url, port: portOf('FAKE_BREVO_PORT', FAKE_PORTS.brevo) },
];
const forwarders = await Promise.all(fakes.map((f) => forward(f.port, Number(new URL(f.url).port))));
const listening = Object.fromEntries(fakes.map((f, i) => [f.name, `${host}:${(forwarders[i]?.address() as AddressInfo).port}`]));

const health = createHttpServer((req, res) => {
  const ok = req.url === '/healthz' || req.url === '/readyz';
  res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { status: 'ready', fakes: listening } : { code: 'NOT_FOUND' }));
});
await new Promise<void>((resolve) => health.listen(portOf('PORT', SERVICES.fakes), host, resolve));
log.info({ fakes: listening, health: (health.address() as AddressInfo).port, samplePortalId: LOCAL.samplePortalId }, 'fakes listening');

async function stop(): Promise<void> {
  for (const s of [health, ...forwarders]) s.close();
  await Promise.allSettled([hubspot.close(), meta.close(), brevo.close()]);
  process.exit(0);
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void stop());
