import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { HUBSPOT_EVENT_COLUMNS } from '@hookstream/hubspot';
import { LEDGER_COLUMNS } from '@hookstream/store';
import type { BenchEnv } from '../env.js';
import { closedLoop, type LoadResult } from '../load.js';
import type { Figure } from '../report.js';
import type { Profile } from '../profiles.js';
import { percentile, round } from '../stats.js';
import { BENCH_API_TOKEN, contactProperties, importEvent } from '../workload.js';

const PORTALS = [62515, 62516, 62517, 62518];
const SEED_ROWS = 1000;
/** Rows per INSERT … SELECT while the table doubles. */
const COPY_CHUNK = 250_000;

// The writers' own column lists: the seed rows below are in their order.
const LEDGER: readonly string[] = ['id', ...LEDGER_COLUMNS];
const HUBSPOT: readonly string[] = HUBSPOT_EVENT_COLUMNS;
const TIME_COLUMNS = new Set(['occurred_at', 'received_at', 'processed_at', 'enriched_at']);

/** Columns of a copied row: new ids, object ids and times, so the idempotency key stays unique. */
function copyExpressions(columns: readonly string[], offset: number): string {
  return columns
    .map((c) => {
      if (c === 'id' || c === 'object_id') return `${c} + ${offset}`;
      if (TIME_COLUMNS.has(c)) return `${c} + ${offset} * 60000`;
      if (c === 'event_id') return columns === LEDGER ? `CAST(CAST(event_id AS UNSIGNED) + ${offset} AS CHAR)` : `event_id + ${offset}`;
      if (c === 'subject') return `CONCAT('contact:', CAST(SUBSTRING(subject, 9) AS UNSIGNED) + ${offset})`;
      if (c === 'idempotency_key') return `CONCAT(idempotency_key, ':', ${offset})`;
      return c;
    })
    .join(', ');
}

const insertValues = (table: string, columns: readonly string[], rows: unknown[][]): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ')}`;

/**
 * At least `rows` realistic rows in a fresh ledger, fast: 1,000 events written like the
 * processor writes them (a ledger row with the raw event JSON, HubSpot's row with the
 * enrichment snapshot), then doubled server-side with INSERT … SELECT until the count is
 * reached (no client round trip per row).
 */
async function bulkLoad(pool: Pool, rows: number, progress: (line: string) => void): Promise<{ rows: number; seconds: number; indexSeconds: number }> {
  const started = Date.now();
  const now = 1_769_000_000_000;
  const seed = Array.from({ length: SEED_ROWS }, (_, i) => {
    const e = { ...importEvent(i, 41), portalId: PORTALS[i % PORTALS.length] as number };
    const snapshot = {
      id: String(e.objectId),
      properties: contactProperties(e.objectId),
      createdAt: new Date(now).toISOString(),
      updatedAt: new Date(now).toISOString(),
      archived: false,
    };
    const id = i + 1;
    // By column name, in the writer's own order: a column the ledger gains later (traceparent did) is null here, not a shifted row.
    const byColumn: Record<string, unknown> = {
      id,
      provider: 'hubspot',
      source: 'hubspot',
      tenant: String(e.portalId),
      type: e.subscriptionType,
      subject: `contact:${e.objectId}`,
      event_id: String(e.eventId),
      idempotency_key: `${e.portalId}:${e.subscriptionId}:${e.eventId}:${e.occurredAt}:${e.objectId}`,
      occurred_at: e.occurredAt,
      received_at: e.occurredAt + 150,
      processed_at: e.occurredAt + 400,
      request_id: '3f0e2a4c-2a6b-4a51-9c8e-6f1d2b7a9e10',
      raw: JSON.stringify(e),
    };
    const ledger = LEDGER.map((c) => byColumn[c] ?? null);
    const details = [
      id,
      e.portalId,
      e.appId,
      e.subscriptionId,
      e.eventId,
      'contact',
      '0-1',
      e.objectId,
      0,
      e.changeSource,
      e.changeFlag ?? null,
      e.propertyName ?? null,
      e.propertyValue ?? null,
      JSON.stringify(snapshot),
      'enriched',
      1,
      null,
      null,
      e.occurredAt + 400,
    ];
    return { ledger, details };
  });
  await pool.query(
    insertValues(
      'events',
      LEDGER,
      seed.map((r) => r.ledger),
    ),
    seed.flatMap((r) => r.ledger),
  );
  await pool.query(
    insertValues(
      'hubspot_events',
      HUBSPOT,
      seed.map((r) => r.details),
    ),
    seed.flatMap((r) => r.details),
  );
  // Secondary indexes are built once at the end (a sort per index) instead of maintained row by
  // row: with the table far larger than the buffer pool, random index inserts dominate the load.
  const indexes = [...(await secondaryIndexes(pool, 'events')), ...(await secondaryIndexes(pool, 'hubspot_events'))];
  await alterIndexes(pool, indexes, 'drop');
  let count = SEED_ROWS;
  while (count < rows) {
    const take = Math.min(count, rows - count);
    // Copies ids 1..take in chunks: one statement of millions of rows would hold one huge
    // undo log and lock set until it ends; a chunk commits and frees its own.
    for (let lo = 0; lo < take; lo += COPY_CHUNK) {
      const hi = Math.min(take, lo + COPY_CHUNK);
      await pool.query(`INSERT INTO events (${LEDGER.join(', ')}) SELECT ${copyExpressions(LEDGER, count)} FROM events WHERE id > ${lo} AND id <= ${hi}`);
      await pool.query(
        `INSERT INTO hubspot_events (${HUBSPOT.join(', ')}) SELECT ${copyExpressions(HUBSPOT, count)} FROM hubspot_events WHERE id > ${lo} AND id <= ${hi}`,
      );
    }
    count += take;
    progress(`${count} rows`);
  }
  const copied = Date.now();
  progress(`${count} rows; building ${indexes.length} secondary indexes`);
  await alterIndexes(pool, indexes, 'add');
  return { rows: count, seconds: round((Date.now() - started) / 1000, 1), indexSeconds: round((Date.now() - copied) / 1000, 1) };
}

interface SecondaryIndex {
  table: string;
  name: string;
  unique: boolean;
  /** Column list as in CREATE INDEX, prefix lengths kept. */
  columns: string;
}

/** The migrations' secondary indexes of a table, read from the server so the bench never repeats their definitions. */
async function secondaryIndexes(pool: Pool, table: string): Promise<SecondaryIndex[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT index_name AS name, non_unique AS nonUnique, column_name AS col, sub_part AS sub
       FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'
      ORDER BY index_name, seq_in_index`,
    [table],
  );
  const byName = new Map<string, SecondaryIndex>();
  for (const r of rows) {
    const col = r['sub'] === null ? `\`${String(r['col'])}\`` : `\`${String(r['col'])}\`(${Number(r['sub'])})`;
    const name = String(r['name']);
    const known = byName.get(name);
    if (known) known.columns += `, ${col}`;
    else byName.set(name, { table, name, unique: Number(r['nonUnique']) === 0, columns: col });
  }
  return [...byName.values()];
}

async function alterIndexes(pool: Pool, indexes: readonly SecondaryIndex[], how: 'drop' | 'add'): Promise<void> {
  for (const table of new Set(indexes.map((i) => i.table))) {
    const own = indexes.filter((i) => i.table === table);
    const clauses = own.map((i) => (how === 'drop' ? `DROP INDEX \`${i.name}\`` : `ADD ${i.unique ? 'UNIQUE ' : ''}INDEX \`${i.name}\` (${i.columns})`));
    if (clauses.length > 0) await pool.query(`ALTER TABLE ${table} ${clauses.join(', ')}`);
  }
}

/** A keyset cursor at (occurredAt, id), in the format the first page's nextCursor shows. */
function cursorAt(sample: string, occurredAt: number, id: number): string {
  const c = JSON.parse(Buffer.from(sample, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (typeof c.t !== 'number' || typeof c.i !== 'number') throw new Error(`events-api cursor format changed (${JSON.stringify(c)}); update cursorAt()`);
  return Buffer.from(JSON.stringify({ ...c, t: occurredAt, i: id })).toString('base64url');
}

/** The database answering the same page directly: `concurrency` loops of raw mysql2 queries. */
async function sqlLatencies(
  pool: Pool,
  queries: ReadonlyArray<{ sql: string; params: unknown[] }>,
  concurrency: number,
  seconds: number,
): Promise<{ p50: number; p99: number; n: number }> {
  const until = Date.now() + seconds * 1000;
  const samples: number[] = [];
  let k = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const q = queries[k++ % queries.length] as { sql: string; params: unknown[] };
        const t = process.hrtime.bigint();
        await pool.query(q.sql, q.params);
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { p50: round(percentile(samples, 50), 2), p99: round(percentile(samples, 99), 2), n: samples.length };
}

const KEYSET = 'e.occurred_at >= ? AND (e.occurred_at > ? OR (e.occurred_at = ? AND e.id > ?))';
/** The page events-api reads, in one statement: the ledger rows in order, each with HubSpot's row (the API reads these in two). */
const PAGE = 'SELECT e.*, h.* FROM events e FORCE INDEX';
const JOIN = 'JOIN hubspot_events h ON h.id = e.id';

export async function runEventsApiSection(env: BenchEnv, profile: Profile): Promise<Figure[]> {
  const db = await env.newDatabase('api');
  const pool = createPool({ uri: db.url, connectionLimit: profile.eventsApi.connections });
  try {
    env.progress(`events-api: loading ${profile.eventsApiRows} rows`);
    const load = await bulkLoad(pool, profile.eventsApiRows, (line) => env.progress(`events-api: loaded ${line}`));
    await pool.query('ANALYZE TABLE events, hubspot_events');
    // Deep pages at 10 M rows read from disk when the table outgrows the buffer pool: the figure depends on it, so it is reported.
    const [bp] = await pool.query<RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS b');
    const bufferPoolMb = Math.round(Number(bp[0]?.['b'] ?? 0) / 1048576);
    env.progress(`events-api: ${load.rows} rows in ${load.seconds} s; measuring pages`);

    // Deep positions: 50 % … 99 % of the table in (occurred_at, id) order, overall and in one portal.
    const depths = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];
    const positions: Array<{ t: number; i: number }> = [];
    const portalPositions: Array<{ t: number; i: number }> = [];
    for (const d of depths) {
      const [r] = await pool.query<RowDataPacket[]>(
        `SELECT occurred_at AS t, id AS i FROM events FORCE INDEX (ix_events_occurred) ORDER BY occurred_at, id LIMIT 1 OFFSET ${Math.floor(load.rows * d)}`,
      );
      const [p] = await pool.query<RowDataPacket[]>(
        `SELECT occurred_at AS t, id AS i FROM events FORCE INDEX (ix_events_tenant_occurred) WHERE provider = 'hubspot' AND tenant = ? ORDER BY occurred_at, id LIMIT 1 OFFSET ${Math.floor((load.rows / PORTALS.length) * d)}`,
        [String(PORTALS[1])],
      );
      if (r[0]) positions.push({ t: Number(r[0].t), i: Number(r[0].i) });
      if (p[0]) portalPositions.push({ t: Number(p[0].t), i: Number(p[0].i) });
    }

    const api = await env.spawn('events-api', 'services/events-api/src/main.ts', env.serviceEnv({ DATABASE_URL: db.url, EVENTS_API_TOKENS: BENCH_API_TOKEN }));
    let first: LoadResult;
    let deep: LoadResult;
    let portalDeep: LoadResult;
    try {
      const headers = { authorization: `Bearer ${BENCH_API_TOKEN}` };
      const firstRes = await fetch(`${api.url}/events?limit=100`, { headers });
      const firstPage = (await firstRes.json()) as { events: unknown[]; nextCursor: string | null };
      if (firstPage.events.length !== 100 || !firstPage.nextCursor)
        throw new Error(`events-api first page: ${firstRes.status}, ${firstPage.events?.length} events`);
      const deepPaths = positions.map((p) => `/events?limit=100&cursor=${cursorAt(firstPage.nextCursor as string, p.t, p.i)}`);
      const portalPaths = portalPositions.map((p) => `/events?portalId=${PORTALS[1]}&limit=100&cursor=${cursorAt(firstPage.nextCursor as string, p.t, p.i)}`);
      for (const path of [...deepPaths, ...portalPaths]) {
        const res = await fetch(`${api.url}${path}`, { headers });
        const body = (await res.json()) as { events: unknown[] };
        if (res.status !== 200 || body.events.length !== 100) throw new Error(`events-api deep page ${path}: ${res.status}, ${body.events?.length} events`);
      }
      const { connections, durationSec } = profile.eventsApi;
      first = await closedLoop({ url: `${api.url}/events?limit=100`, headers, connections, durationSec, warmupSec: 2 });
      deep = await closedLoop({ url: api.url, requests: deepPaths.map((path) => ({ path, headers })), connections, durationSec, warmupSec: 2 });
      portalDeep = await closedLoop({ url: api.url, requests: portalPaths.map((path) => ({ path, headers })), connections, durationSec, warmupSec: 2 });
      for (const [what, r] of [
        ['first', first],
        ['deep', deep],
        ['portal deep', portalDeep],
      ] as const) {
        if (r.non2xx > 0 || r.errors > 0) throw new Error(`events-api ${what} pages: ${r.non2xx} non-2xx, ${r.errors} errors`);
      }
    } finally {
      await api.stop();
    }

    const { connections, durationSec } = profile.eventsApi;
    const sqlSeconds = Math.max(3, Math.round(durationSec / 2));
    // One query at a time: the page's own cost in the database, without queueing.
    const sqlFirst = await sqlLatencies(
      pool,
      [{ sql: `${PAGE} (ix_events_occurred) ${JOIN} ORDER BY e.occurred_at, e.id LIMIT 101`, params: [] }],
      1,
      sqlSeconds,
    );
    const sqlDeep = await sqlLatencies(
      pool,
      positions.map((p) => ({
        sql: `${PAGE} (ix_events_occurred) ${JOIN} WHERE ${KEYSET} ORDER BY e.occurred_at, e.id LIMIT 101`,
        params: [p.t, p.t, p.t, p.i],
      })),
      1,
      sqlSeconds,
    );
    const sqlPortal = await sqlLatencies(
      pool,
      portalPositions.map((p) => ({
        sql: `${PAGE} (ix_events_tenant_occurred) ${JOIN} WHERE e.provider = 'hubspot' AND e.tenant = ? AND ${KEYSET} ORDER BY e.occurred_at, e.id LIMIT 101`,
        params: [String(PORTALS[1]), p.t, p.t, p.t, p.i],
      })),
      1,
      sqlSeconds,
    );

    const details = (r: LoadResult, sql: { p50: number; p99: number; n: number }) => ({
      http: { p50: r.p50, p99: r.p99, perSec: Math.round(r.okPerSec), ok: r.ok },
      sql,
      rows: load.rows,
      loadSeconds: load.seconds,
      indexSeconds: load.indexSeconds,
      connections,
    });
    const note = `${load.rows} rows (loaded in ${load.seconds} s), ${connections} concurrent clients, 100 events a page; ceiling = the same page's SQL straight from mysql2, one query at a time`;
    return [
      {
        id: 'api.first.p50',
        label: 'events-api GET /events first page p50',
        value: first.p50,
        unit: 'ms',
        ceiling: sqlFirst.p50,
        ceilingLabel: 'raw SQL',
        higherIsBetter: false,
        note,
        details: details(first, sqlFirst),
      },
      {
        id: 'api.first.p99',
        label: 'events-api GET /events first page p99',
        value: first.p99,
        unit: 'ms',
        ceiling: sqlFirst.p99,
        ceilingLabel: 'raw SQL',
        higherIsBetter: false,
      },
      {
        id: 'api.deep.p50',
        label: 'events-api deep pages (50–99 %) p50',
        value: deep.p50,
        unit: 'ms',
        ceiling: sqlDeep.p50,
        ceilingLabel: 'raw SQL',
        higherIsBetter: false,
        details: details(deep, sqlDeep),
      },
      {
        id: 'api.deep.p99',
        label: 'events-api deep pages (50–99 %) p99',
        value: deep.p99,
        unit: 'ms',
        ceiling: sqlDeep.p99,
        ceilingLabel: 'raw SQL',
        higherIsBetter: false,
        target: { kind: 'maxValue', max: profile.eventsApi.deepP99MaxMs },
      },
      {
        id: 'api.portalDeep.p99',
        label: 'events-api deep pages, one portal, p99',
        value: portalDeep.p99,
        unit: 'ms',
        ceiling: sqlPortal.p99,
        ceilingLabel: 'raw SQL',
        higherIsBetter: false,
        target: { kind: 'maxValue', max: profile.eventsApi.deepP99MaxMs },
        details: details(portalDeep, sqlPortal),
      },
      {
        id: 'api.load.seconds',
        label: `events-api table load, ${load.rows} ledger rows (+ HubSpot's rows)`,
        value: load.seconds,
        unit: 's',
        higherIsBetter: false,
        note: `server-side INSERT … SELECT doubling in ${COPY_CHUNK}-row chunks, then the secondary indexes built (${load.indexSeconds} s of it); InnoDB buffer pool ${bufferPoolMb} MiB`,
      },
    ];
  } finally {
    await pool.end();
    await db.drop();
  }
}
