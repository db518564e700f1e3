import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signedHeaders, type SignatureVersion } from '@hookstream/hubspot';
import { createDataSource, runMigrations, type DataSource } from '@hookstream/store';
import { freePort, startFakeHubSpot, testDatabase, type FakeHubSpot, type TestDatabase } from '@hookstream/testkit';
import { PORTAL, hsEvent } from './support/fleet.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';
import { testKafkaClient } from './support/kafka.js';

const rnd = () => randomBytes(8).toString('hex');
/** Recognisable secrets: any of them in any log line is a leak. */
const SECRETS = {
  clientSecret: `client-secret-${rnd()}`,
  accessToken: `pat-na1-${rnd()}-${rnd()}`,
  apiTokenA: `api-token-a-${rnd()}`,
  apiTokenB: `api-token-b-${rnd()}`,
  dbPassword: `dbpw${rnd()}`,
  // OAuth: the key that seals stored tokens.
  encryptionKey: randomBytes(32).toString('hex'),
};

/** The forms a secret can take in a log line: as is, URL-encoded, base64, hex, or a Buffer serialised as a byte list. */
function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, encodeURIComponent(secret), b.toString('base64').replace(/=+$/, ''), b.toString('base64url'), b.toString('hex'), [...b].join(',')];
}

/** Sends raw bytes and waits for the server to close the connection. */
async function raw(port: number, request: string): Promise<string> {
  const s = connect(port, '127.0.0.1');
  let data = '';
  s.on('data', (c: Buffer) => (data += c.toString('utf8')));
  s.on('error', () => {});
  await new Promise<void>((r) => s.once('connect', () => r()));
  s.write(request);
  await new Promise<void>((r) => s.once('close', () => r()));
  return data;
}

/**
 * Edge, processor and events-api as real processes at LOG_LEVEL=trace (kafkajs debug lines
 * included), exercised with signed, unsigned and malformed requests, authorized and
 * unauthorized reads, and HubSpot enrichment with the access token. No line of their output
 * may contain a secret in any of the forms above.
 */
describe('secrets never appear in logs', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let fake: FakeHubSpot;
  let dbUrl = '';
  let dbUser = '';
  const procs: ServiceProcess[] = [];
  const topic = `hubspot.events.secrets-${rnd()}`;

  beforeAll(async () => {
    db = await testDatabase('hs_secrets');
    ds = createDataSource({ url: db.url });
    await ds.initialize();
    await runMigrations(ds);
    // A database user with a password, so that the processor and events-api have one to leak.
    dbUser = `hs_${rnd()}`;
    await ds.query(`CREATE USER '${dbUser}'@'%' IDENTIFIED BY '${SECRETS.dbPassword}'`);
    await ds.query(`GRANT ALL ON \`${db.name}\`.* TO '${dbUser}'@'%'`);
    const u = new URL(db.url);
    u.username = dbUser;
    u.password = SECRETS.dbPassword;
    dbUrl = u.toString();
    fake = await startFakeHubSpot({ tokens: new Map([[PORTAL, SECRETS.accessToken]]), log: false, oauth: { clientSecret: SECRETS.clientSecret } });
  });

  afterAll(async () => {
    for (const p of procs) {
      if (p.proc.exitCode === null && p.proc.signalCode === null) {
        p.proc.kill('SIGKILL');
        await p.exited;
      }
    }
    await fake?.close();
    if (dbUser) await ds?.query(`DROP USER IF EXISTS '${dbUser}'@'%'`).catch(() => {});
    await ds?.destroy();
    await db?.drop();
  });

  it('edge, processor and events-api at trace level log none of them', async ({ annotate }) => {
    const [edgePort, apiPort, healthPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      LOG_LEVEL: 'trace',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '15000',
    };
    // OAuth on, so the install flow (code exchange, token sealing) runs at trace level too.
    const edge = startService('edge', {
      ...common,
      HUBSPOT_CLIENT_SECRET: SECRETS.clientSecret,
      PORT: String(edgePort),
      HUBSPOT_CLIENT_ID: fake.oauth.clientId,
      TOKEN_ENCRYPTION_KEY: SECRETS.encryptionKey,
      DATABASE_URL: dbUrl,
      HUBSPOT_API_BASE_URL: fake.url,
      HUBSPOT_OAUTH_REDIRECT_URL: `http://127.0.0.1:${edgePort}/oauth/callback`,
    });
    const processor = startService('processor', {
      ...common,
      DATABASE_URL: dbUrl,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: `${topic}-g`,
      HUBSPOT_ACCESS_TOKEN: SECRETS.accessToken,
      HUBSPOT_API_BASE_URL: fake.url,
      PORT: String(healthPort),
    });
    const api = startService('events-api', {
      DATABASE_URL: dbUrl,
      EVENTS_API_TOKENS: `${SECRETS.apiTokenA},${SECRETS.apiTokenB}`,
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'trace',
    });
    procs.push(edge, processor, api);
    const edgeBase = `http://127.0.0.1:${edgePort}`;
    const apiBase = `http://127.0.0.1:${apiPort}`;
    await waitUntil('edge ready', async () => (await fetch(`${edgeBase}/readyz`)).ok, 60_000);
    await waitUntil('events-api ready', async () => (await fetch(`${apiBase}/readyz`)).ok, 60_000);
    fake.upsertObject(PORTAL, 'contact', { id: hsEvent(1).objectId, properties: { email: 'ada@example.com' } });

    // Signed deliveries of every version, a wrong signature, an unsigned one, and raw HTTP trouble.
    const url = `${edgeBase}/webhooks/hubspot`;
    const versions: SignatureVersion[] = ['v1', 'v2', 'v3'];
    for (const [i, version] of versions.entries()) {
      const body = JSON.stringify([hsEvent(i + 1)]);
      expect((await fetch(url, { method: 'POST', headers: signedHeaders({ secret: SECRETS.clientSecret, version, url, body }), body })).status).toBe(200);
    }
    const body = JSON.stringify([hsEvent(9)]);
    expect((await fetch(url, { method: 'POST', headers: signedHeaders({ secret: `${SECRETS.clientSecret}x`, version: 'v3', url, body }), body })).status).toBe(
      401,
    );
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    const v3 = signedHeaders({ secret: SECRETS.clientSecret, version: 'v3', url, body });
    const headerLines = Object.entries(v3)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    expect(await raw(edgePort, `POST /webhooks/hubspot HTTP/1.1\r\nHost: x\r\n${headerLines}\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
    await raw(edgePort, `POST /webhooks/hubspot HTTP/1.1\r\n${headerLines}\r\nContent-Length: nope\r\n\r\n`);

    // The processor stores and enriches them (the access token goes to the fake HubSpot).
    const authorized = { authorization: `Bearer ${SECRETS.apiTokenB}` };
    await waitUntil(
      'the events to be stored and enriched',
      async () => {
        const res = await fetch(`${apiBase}/events?portalId=${PORTAL}`, { headers: authorized });
        const page = (await res.json()) as { events: Array<{ enrichment: { state: string } }> };
        return page.events.length === 3 && page.events.some((e) => e.enrichment.state === 'enriched');
      },
      60_000,
      300,
    );
    // The token was really used: HubSpot answered the batch read (207: some objects unknown).
    expect(fake.calls.some((c) => c.status === 200 || c.status === 207)).toBe(true);

    // events-api: authorized, unauthorized, a token in the wrong place, and malformed HTTP carrying a valid token.
    expect((await fetch(`${apiBase}/events`, { headers: { authorization: `Bearer ${SECRETS.apiTokenA}` } })).status).toBe(200);
    expect((await fetch(`${apiBase}/events`, { headers: { authorization: `Bearer ${SECRETS.apiTokenA}x` } })).status).toBe(401);
    expect((await fetch(`${apiBase}/events`, { headers: { authorization: `Basic ${Buffer.from(`u:${SECRETS.apiTokenA}`).toString('base64')}` } })).status).toBe(
      401,
    );
    expect((await fetch(`${apiBase}/events?limit=nope`, { headers: authorized })).status).toBe(400);
    await raw(apiPort, `GET /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${SECRETS.apiTokenA}\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`);
    await raw(apiPort, `GET /events HTTP/1.1\r\nAuthorization: Bearer ${SECRETS.apiTokenA}\r\nContent-Length: nope\r\n\r\n`);

    // An OAuth install: its authorization code and the tokens it yields are secrets as well.
    const start = await fetch(`${edgeBase}/oauth/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(String(start.headers.get('location')));
    const code = fake.oauth.authorize(PORTAL, { redirectUri: location.searchParams.get('redirect_uri') ?? '' });
    const cookie = String(start.headers.get('set-cookie')).split(';')[0] ?? '';
    const callback = await fetch(`${edgeBase}/oauth/callback?code=${code}&state=${location.searchParams.get('state')}`, { headers: { cookie } });
    expect(callback.status).toBe(200);
    const [sealed] = (await ds.query('SELECT refresh_token_ciphertext AS r FROM hubspot_portal_tokens WHERE portal_id = ?', [PORTAL])) as Array<{ r: unknown }>;
    expect(sealed?.r).toBeTruthy();
    const installSecrets: Record<string, string> = { authorizationCode: code };

    for (const p of procs) p.signal('SIGTERM');
    const exits = await Promise.all(procs.map((p) => p.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);

    const outputs = { edge: edge.output(), processor: processor.output(), 'events-api': api.output() };
    const leaks: string[] = [];
    let lines = 0;
    for (const [service, text] of Object.entries(outputs)) {
      for (const line of text.split('\n')) {
        lines += 1;
        for (const [name, secret] of Object.entries({ ...SECRETS, ...installSecrets })) {
          const form = encodings(secret).find((f) => line.includes(f));
          if (form) leaks.push(`${service}: ${name} (as ${form === secret ? 'plain text' : JSON.stringify(form.slice(0, 24))}) in ${line.slice(0, 300)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    // The logs were really at trace level and really covered the paths above.
    expect(outputs.edge).toContain('delivery accepted');
    // The Kafka client's own lines were in the capture: kafkajs logs each request at trace, the platformatic adapter its connections at debug.
    const clientLine = testKafkaClient() === 'platformatic' ? /"level":20,[^\n]*"component":"platformatic-kafka"/ : /"level":10,[^\n]*"component":"kafkajs"/;
    for (const service of ['edge', 'processor'] as const) expect(outputs[service]).toMatch(clientLine);
    expect(outputs.processor).toContain(`${dbUser}:***@`);
    expect(outputs['events-api']).toContain(`${dbUser}:***@`);
    await annotate(`${lines} log lines from 3 processes at trace level, ${Object.keys(SECRETS).length + 1} secrets × 6 encodings: no leak`);
  });
});
