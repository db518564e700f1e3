import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publicRequestUrl, signedHeaders, verifySignature } from '@hookstream/hubspot';
import { describe, expect, it } from 'vitest';
import { LOCAL } from '../local-defaults.js';
import { ROOT } from './bundle.js';
import { interpolate, InterpolationError, loadCompose, validateCompose, type ComposeFile } from './compose.js';
import { contextFilesIn, dockerignore, parseDockerfile } from './dockerfile.js';
import { withFakes } from './fakes-env.js';
import { FAKE_PORTS, SERVICES } from './layout.js';
import { parsePortRange } from './reserve-port.js';

const TEXT = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
/** What a newcomer gets: `docker compose up --build` with nothing set. */
const compose = (env: Record<string, string> = {}): ComposeFile => loadCompose(TEXT, env);
type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  network_mode?: string;
  restart?: string;
  healthcheck?: { disable?: boolean };
  command?: string[];
};
const svc = (doc: ComposeFile, name: string): Service => doc.services[name] as Service;
const envOf = (doc: ComposeFile, name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(svc(doc, name).environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
const FLEET = ['edge', 'processor', 'events-api', 'dispatcher'];

describe('Compose variable interpolation', () => {
  const env = { SET: 'v', EMPTY: '' };
  it('substitutes like docker compose: defaults, required, alternatives, nesting, $$', () => {
    expect(interpolate('${SET:-d} ${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', env)).toBe('v d d  d');
    expect(interpolate('${UNSET:-${SET}} ${UNSET:-${ALSO:-deep}}', env)).toBe('v deep');
    expect(interpolate('${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}', env)).toBe('alt||alt');
    expect(interpolate('$SET/$$HOME/${SET}x $', env)).toBe('v/$HOME/vx $');
    expect(interpolate('${SET:?needed}', env)).toBe('v');
    expect(() => interpolate('${EMPTY:?set EMPTY}', env)).toThrow(/required variable EMPTY is missing a value: set EMPTY/);
    expect(() => interpolate('${UNSET?x}', env)).toThrow(InterpolationError);
    expect(() => interpolate('${1BAD}', env)).toThrow(/invalid interpolation/);
    expect(() => interpolate('${SET', env)).toThrow(/unclosed/);
  });
});

describe('docker-compose.yml against the Compose Specification', () => {
  it('needs no settings: nothing is required (:?) and it interpolates with an empty environment', () => {
    expect(() => compose()).not.toThrow();
  });

  it('is valid against the Compose Specification schema, with the defaults and with settings given', () => {
    expect(validateCompose(compose())).toEqual([]);
    expect(validateCompose(compose({ PROCESSOR_REPLICAS: '6', DISPATCHER_REPLICAS: '3', PUBLIC_URL: 'https://x.ngrok.app', LOG_LEVEL: 'debug' }))).toEqual([]);
  });

  it('refuses what docker compose would refuse (the schema and the casts are real checks)', () => {
    const bad = loadCompose(
      'services:\n  a:\n    imagee: x\n    healthcheck: { interval: 10 parsecs }\n    depends_on: { b: { condition: service_done } }\n',
      {},
    );
    const errors = validateCompose(bad).join('\n');
    expect(errors).toMatch(/additional properties.*imagee/);
    expect(errors).toMatch(/interval must match format "duration"/);
    expect(errors).toMatch(/condition must be equal to one of the allowed values/);
    expect(validateCompose(loadCompose('services: { a: { image: x } }\nvolumez: {}\n', {}))).not.toEqual([]);
    expect(() => loadCompose(TEXT, { PROCESSOR_REPLICAS: 'two' })).toThrow(/services\.processor\.deploy\.replicas: "two" is not a number/);
  });
});

describe('docker-compose.yml runs the whole fleet', () => {
  const doc = compose();

  it('Kafka in KRaft mode, MySQL 8.4, the migration, the fakes and every service of the fleet', () => {
    expect(Object.keys(doc.services).sort()).toEqual(['dispatcher', 'edge', 'events-api', 'fakes', 'kafka', 'migrate', 'mysql', 'processor']);
    const kafka = envOf(doc, 'kafka');
    expect(kafka.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(Object.keys(kafka).some((k) => /ZOOKEEPER/.test(k))).toBe(false);
    expect(svc(doc, 'mysql').image).toBe('mysql:8.4');
  });

  it('builds every Node service from docker/Dockerfile and runs a SERVICE the image knows', () => {
    for (const name of ['migrate', 'fakes', ...FLEET]) {
      const s = svc(doc, name);
      expect(s.image).toBe('hookstream:local');
      expect(existsSync(join(ROOT, s.build?.context ?? '?', s.build?.dockerfile ?? '?')), `${name}'s Dockerfile`).toBe(true);
      expect(Object.hasOwn(SERVICES, envOf(doc, name).SERVICE ?? ''), `${name}'s SERVICE`).toBe(true);
      expect(s.command, `${name} keeps the image's CMD (node dist/start.mjs)`).toBeUndefined();
    }
    expect(new Set(['migrate', 'fakes', ...FLEET].map((n) => envOf(doc, n).SERVICE))).toEqual(new Set(['migrate', 'fakes', ...FLEET]));
  });

  it('migrates once before anything uses the database, and depends only on services that exist', () => {
    const migrate = svc(doc, 'migrate');
    expect(migrate.restart).toBe('no');
    expect(migrate.healthcheck?.disable).toBe(true);
    expect(migrate.depends_on?.mysql?.condition).toBe('service_healthy');
    for (const name of ['processor', 'events-api', 'dispatcher']) expect(svc(doc, name).depends_on?.migrate?.condition).toBe('service_completed_successfully');
    for (const [name, s] of Object.entries(doc.services))
      for (const dep of Object.keys((s as Service).depends_on ?? {})) expect(doc.services, `${name} depends on ${dep}`).toHaveProperty(dep);
  });

  it('shares the raw archive between the edge (writes) and events-api (reads), in a directory the image lets its user write', () => {
    const dir = envOf(doc, 'edge').ARCHIVE_DIR as string;
    expect(envOf(doc, 'events-api').ARCHIVE_DIR).toBe(dir);
    const mount = (name: string) => (svc(doc, name) as { volumes?: string[] }).volumes?.find((v) => v.endsWith(`:${dir}`));
    expect(mount('edge')).toBeDefined();
    expect(mount('events-api')).toBe(mount('edge'));
    expect(doc.volumes).toHaveProperty((mount('edge') as string).split(':')[0] as string);
    const dockerfile = readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8');
    const user = /^USER (\S+)/m.exec(dockerfile)?.[1];
    expect(dockerfile).toMatch(new RegExp(`^RUN mkdir -p ${dir} && chown ${user}:${user} ${dir}$`, 'm'));
  });

  it('scales processors and dispatchers with PROCESSOR_REPLICAS and DISPATCHER_REPLICAS', () => {
    expect(svc(doc, 'processor').deploy?.replicas).toBe(2);
    expect(svc(doc, 'dispatcher').deploy?.replicas).toBe(1);
    const scaled = compose({ PROCESSOR_REPLICAS: '5', DISPATCHER_REPLICAS: '3' });
    expect(svc(scaled, 'processor').deploy?.replicas).toBe(5);
    expect(svc(scaled, 'dispatcher').deploy?.replicas).toBe(3);
    // Replicas must not fight over host ports: neither publishes one.
    expect(svc(doc, 'processor').ports).toBeUndefined();
    expect(svc(doc, 'dispatcher').ports).toBeUndefined();
  });
});

describe('`npm run sample` works against docker compose unchanged', () => {
  const doc = compose();
  const edge = envOf(doc, 'edge');

  it('publishes the edge and events-api where the sample posts and reads, with the sample’s secret and tokens', () => {
    expect(svc(doc, 'edge').ports).toContain(`127.0.0.1:${LOCAL.edgePort}:${edge.PORT}`);
    expect(svc(doc, 'events-api').ports).toContain(`127.0.0.1:${LOCAL.eventsApiPort}:${envOf(doc, 'events-api').PORT}`);
    expect(edge.HUBSPOT_CLIENT_SECRET).toBe(LOCAL.clientSecret);
    expect(envOf(doc, 'events-api').EVENTS_API_TOKENS?.split(',')[0]).toBe(LOCAL.eventsApiToken);
    expect(envOf(doc, 'events-api').ADMIN_API_TOKENS?.split(',')[0]).toBe(LOCAL.adminToken);
    for (const name of FLEET) expect(envOf(doc, name).PROVIDERS, name).toBe(LOCAL.providers);
  });

  it('verifies the v3 signature the sample makes for http://localhost:8080 (the edge’s own URL rebuilding), unless PUBLIC_URL pins another', () => {
    const body = '[{"eventId":1}]';
    const nowMs = Date.now();
    const headers = signedHeaders({
      secret: LOCAL.clientSecret,
      version: 'v3',
      url: `http://localhost:${LOCAL.edgePort}/webhooks/hubspot`,
      body,
      timestamp: nowMs,
    });
    const check = (publicUrl: string | undefined) =>
      verifySignature({
        method: 'POST',
        headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
        rawBody: Buffer.from(body),
        clientSecret: edge.HUBSPOT_CLIENT_SECRET as string,
        nowMs,
        url: publicRequestUrl({
          publicUrl,
          trustProxy: false,
          headers: {},
          protocol: 'http',
          host: `localhost:${LOCAL.edgePort}`,
          originalUrl: '/webhooks/hubspot',
        }),
      });
    expect(edge.PUBLIC_URL).toBe('');
    expect(check(edge.PUBLIC_URL || undefined)).toMatchObject({ ok: true });
    // What the compose file did before: signed for localhost, verified against 127.0.0.1.
    expect(check('http://127.0.0.1:8080')).toMatchObject({ ok: false, reason: 'signature mismatch' });
    expect(envOf(compose({ PUBLIC_URL: 'https://abc.ngrok.app' }), 'edge').PUBLIC_URL).toBe('https://abc.ngrok.app');
  });

  it('points SOURCES_FILE at the sample sources file, which the image holds with the schema it references', () => {
    const df = parseDockerfile(readFileSync(join(ROOT, 'docker', 'Dockerfile'), 'utf8'));
    const files = contextFilesIn(
      df,
      df.stages[df.stages.length - 1] as never,
      ROOT,
      dockerignore(readFileSync(join(ROOT, 'docker', 'Dockerfile.dockerignore'), 'utf8')),
    );
    for (const name of FLEET) {
      const sources = envOf(doc, name).SOURCES_FILE as string;
      expect(files.get(sources), `${name}: ${sources} in the image`).toBe(LOCAL.sourcesFile);
    }
    expect([...files.values()]).toContain('packages/providers/sources/examples/schemas/alert.json');
  });

  it('lets endpoints on this machine be registered and relayed to (the sample’s listens on the host’s 127.0.0.1)', () => {
    for (const name of ['events-api', 'dispatcher']) {
      expect(envOf(doc, name).DELIVERY_ALLOW_PRIVATE_NETWORKS, name).toBe('true');
      expect(envOf(doc, name).DELIVERY_ALLOW_HTTP, name).toBe('true');
    }
    expect(svc(doc, 'dispatcher').network_mode).toBe('host');
  });

  it('gives the dispatchers, on the host’s network, addresses that reach Kafka, MySQL and the fakes from there', () => {
    const d = envOf(doc, 'dispatcher');
    const kafka = envOf(doc, 'kafka');
    const external = /EXTERNAL:\/\/([^,]+)/.exec(kafka.KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
    expect(d.KAFKA_BROKERS).toBe(external);
    expect(svc(doc, 'kafka').ports).toContain(`${external}:${external?.split(':')[1]}`);
    const db = new URL(d.DATABASE_URL as string);
    expect(svc(doc, 'mysql').ports).toContain(`${db.hostname}:${db.port}:3306`);
    expect(d.FAKES_URL).toBe('http://127.0.0.1');
    for (const port of Object.values(FAKE_PORTS)) expect(svc(doc, 'fakes').ports).toContain(`127.0.0.1:${port}:${port}`);
    // Each replica picks its own health port, bound to loopback only, clear of every published port.
    expect(d.HOST).toBe('127.0.0.1');
    const range = parsePortRange(d.HEALTH_PORTS ?? '');
    expect(range).not.toBeNull();
    const published = Object.values(doc.services).flatMap((s) => ((s as Service).ports ?? []).map((p) => Number(p.split(':')[1])));
    for (const p of published) expect(p < (range?.from ?? 0) || p > (range?.to ?? 0), `published port ${p}`).toBe(true);
  });

  it('gives the other services the compose network’s addresses', () => {
    const internal = /INTERNAL:\/\/([^,]+)/.exec(envOf(doc, 'kafka').KAFKA_ADVERTISED_LISTENERS ?? '')?.[1];
    for (const name of ['edge', 'processor', 'events-api']) {
      expect(envOf(doc, name).KAFKA_BROKERS, name).toBe(internal);
      expect(new URL(envOf(doc, name).DATABASE_URL as string).host, name).toBe('mysql:3306');
      expect(envOf(doc, name).FAKES_URL, name).toBe('http://fakes');
    }
  });

  it('enriches from the HubSpot fake and sends actions to the Meta and Brevo fakes unless credentials are given', () => {
    for (const name of ['processor', 'dispatcher']) {
      const { env, faked } = withFakes(envOf(doc, name));
      expect(faked, name).toEqual(['hubspot', 'meta', 'brevo']);
      const host = name === 'dispatcher' ? '127.0.0.1' : 'fakes';
      expect(env.HUBSPOT_API_BASE_URL).toBe(`http://${host}:${FAKE_PORTS.hubspot}`);
      expect(env.META_GRAPH_URL).toBe(`http://${host}:${FAKE_PORTS.meta}`);
      expect(env.BREVO_API_URL).toBe(`http://${host}:${FAKE_PORTS.brevo}`);
    }
    const real = compose({
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-real',
      META_ACCESS_TOKEN: 'EAAreal',
      META_PIXEL_ID: '42',
      BREVO_API_KEY: 'xkeysib-real',
      BREVO_SENDER_EMAIL: 'me@example.com',
    });
    for (const name of ['processor', 'dispatcher']) {
      const { env, faked } = withFakes(envOf(real, name));
      expect(faked, name).toEqual([]);
      expect(env).toMatchObject({
        HUBSPOT_ACCESS_TOKEN: 'pat-na1-real',
        HUBSPOT_API_BASE_URL: '',
        META_ACCESS_TOKEN: 'EAAreal',
        META_PIXEL_ID: '42',
        BREVO_API_KEY: 'xkeysib-real',
      });
    }
  });
});
