import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { Location1796212800000, putGeofences } from '@hookstream/location';
import { createDataSource, runMigrations } from '@hookstream/store';
import type { BenchEnv } from '../env.js';
import { BENCH_LOCATION_KEY, benchGeofences, benchRequests, LOCATION_SOURCES_YAML } from '../location-workload.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { round, waitFor } from '../stats.js';

const EVENTS_PER_REQUEST = 5;
const GEOFENCE_CHUNK = 5000;

interface RunResult {
  geofences: number;
  eventsPerSec: number;
  loadSec: number;
  acceptedPerSec: number;
  geofenceEvents: number;
  events: number;
  cpuPercent: Record<string, number>;
}

/**
 * Location events through the whole path (edge with its raw archive → Kafka → one processor
 * replica: ledger, track, users, trips, geofence matching and presence → MySQL), once per
 * geofence count in the same run. The rate is events committed per second from the first
 * request to the group's last commit.
 */
export async function runLocationSection(env: BenchEnv, profile: Profile, push: (f: Figure) => void): Promise<void> {
  const runs: RunResult[] = [];
  for (const geofences of profile.location.geofences) runs.push(await runOnce(env, profile, geofences));
  const zero = runs.find((r) => r.geofences === 0);
  for (const r of runs) {
    push({
      id: `location.events_per_sec.g${r.geofences}`,
      label: `location events/s, whole path, ${r.geofences.toLocaleString('en')} geofences`,
      value: round(r.eventsPerSec),
      unit: 'events/s',
      higherIsBetter: true,
      ...(zero && r.geofences > 0 ? { ceiling: round(zero.eventsPerSec), ceilingLabel: 'the same run with 0 geofences' } : {}),
      ...(r.geofences >= 100_000 ? { target: { kind: 'minRatio', min: 0.5 } as const } : {}),
      details: { ...r },
      note: `${r.events} events in requests of ${EVENTS_PER_REQUEST}; edge accepted ${Math.round(r.acceptedPerSec)} events/s; ${r.geofenceEvents} geofence events derived; geofences loaded in ${r.loadSec} s`,
    });
  }
}

async function runOnce(env: BenchEnv, profile: Profile, geofences: number): Promise<RunResult> {
  const tag = `g${geofences}`;
  const db = await env.newDatabase(`loc${tag}`);
  const ds = createDataSource({ url: db.url, log: env.log, poolSize: 4, migrations: [Location1796212800000] });
  await ds.initialize();
  await runMigrations(ds);
  const loadStarted = Date.now();
  const shapes = benchGeofences(geofences);
  for (let i = 0; i < shapes.length; i += GEOFENCE_CHUNK) await putGeofences(ds, shapes.slice(i, i + GEOFENCE_CHUNK), Date.now());
  const loadSec = round((Date.now() - loadStarted) / 1000);
  env.progress(`location: ${geofences} geofences stored in ${loadSec} s; starting edge and processor`);

  const dir = mkdtempSync(join(env.logDir, `location-${tag}-`));
  const sourcesFile = join(dir, 'sources.yaml');
  writeFileSync(sourcesFile, LOCATION_SOURCES_YAML);
  const topic = await env.newTopic(`location${tag}`);
  const geoTopic = await env.newTopic(`geofence-events${tag}`);
  const groupId = `bench-location-${env.runId}-${tag}`;
  const common = { PROVIDERS: 'location', SOURCES_FILE: sourcesFile, LOCATION_KAFKA_TOPIC: topic, GEOFENCE_EVENTS_TOPIC: geoTopic, DATABASE_URL: db.url };
  const edge = await env.spawn(
    `edge-location-${tag}`,
    'services/edge/src/main.ts',
    env.serviceEnv({ ...common, ARCHIVE_DIR: join(dir, 'archive'), ...profile.edgeEnv }),
  );
  const processor = await env.spawn(
    `processor-location-${tag}`,
    'services/processor/src/main.ts',
    env.serviceEnv({ ...common, LOCATION_KAFKA_GROUP_ID: groupId, KAFKA_CLIENT_ID: `bench-location-${tag}`, ...profile.processorEnv }),
  );
  const committed = async (): Promise<number> => {
    const [t] = await env.admin.fetchOffsets({ groupId, topics: [topic] });
    return (t?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  };
  try {
    await waitFor(
      'a stable location group',
      async () => {
        const { groups } = await env.admin.describeGroups([groupId]);
        const g = groups[0];
        return g?.state === 'Stable' && g.members.length === 1 && g.members.every((m) => m.memberAssignment.length > 0);
      },
      120_000,
      100,
    );
    const bodies = benchRequests(profile.location.users, profile.location.requests, `${env.runId}-${tag}`);
    const events = bodies.length * EVENTS_PER_REQUEST;
    env.progress(`location: ${events} events (${bodies.length} requests) with ${geofences} geofences`);
    const procs = [edge, processor];
    const cpu0 = procs.map((p) => p.cpuMs());
    const t0 = Date.now();
    await send(`${edge.url}/webhooks/location/fleet`, bodies, profile.location.connections);
    const acceptedSec = (Date.now() - t0) / 1000;
    await waitFor('the location group to commit every event', async () => (await committed()) >= events, 600_000, 50);
    const seconds = (Date.now() - t0) / 1000;
    const cpuPercent = Object.fromEntries(procs.map((p, i) => [p.name, Math.round((p.cpuMs() - (cpu0[i] as number)) / seconds / 10)]));
    const [row] = (await ds.query('SELECT COUNT(*) AS n FROM geofence_events')) as Array<{ n: unknown }>;
    return {
      geofences,
      eventsPerSec: events / seconds,
      acceptedPerSec: events / acceptedSec,
      loadSec,
      geofenceEvents: Number(row?.n ?? 0),
      events,
      cpuPercent,
    };
  } finally {
    await edge.stop();
    await processor.stop();
    await ds.destroy();
    await db.drop();
  }
}

/** Each connection posts its share of the bodies one after another; any non-2xx fails the run. */
async function send(url: string, bodies: readonly string[], connections: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const post = (body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-api-key': BENCH_LOCATION_KEY, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`location: the edge answered ${res.statusCode}: ${text.slice(0, 300)}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bodies.length) await post(bodies[next++] as string);
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
}
