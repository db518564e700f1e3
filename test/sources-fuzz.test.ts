import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTopicAdmin, type TopicAdmin } from '@hookstream/kafka';
import { createLogger } from '@hookstream/observability';
import { freePort } from '@hookstream/testkit';
import {
  DEPLOY_TOKENS,
  FORMS_PASSWORD,
  NOTES_KEYS,
  SOURCE_NAMES,
  validEvent,
  validHeaders,
  writeSourcesFile,
  type SourcesFileOnDisk,
} from './support/sources-fixture.js';
import { sourcesFuzzCase } from './support/sources-fuzz-cases.js';
import { startService, type ServiceProcess } from './support/process.js';
import { waitUntil } from './support/wait.js';
import { testKafka } from './support/kafka.js';

const RUNS = 1000;
const BODY_LIMIT = 64 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * The sources route under generated bad requests, over real sockets against the real edge
 * process (PROVIDERS=sources) and the real broker: each gets the one 4xx its case calls for,
 * the process stays up and not one message reaches the topic.
 */
describe('sources fuzz against the real edge process and broker', () => {
  const log = createLogger({ name: 'sources-fuzz', level: 'silent' });
  const topic = `sources.events.fuzz-${Date.now().toString(36)}`;
  let file: SourcesFileOnDisk;
  let edge: ServiceProcess;
  let admin: TopicAdmin;
  let base = '';
  const inKafka = async () => (await admin.partitions(topic)).reduce((n, p) => n + Number(p.high - p.low), 0);

  beforeAll(async () => {
    file = writeSourcesFile();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    edge = startService('edge', {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      PROVIDERS: 'sources',
      SOURCES_FILE: file.path,
      SOURCES_KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      PORT: String(port),
      HOST: '127.0.0.1',
      EDGE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      EDGE_MAX_HEADER_BYTES: String(MAX_HEADER_BYTES),
      LOG_LEVEL: 'warn',
    });
    await waitUntil('edge ready', async () => (await fetch(`${base}/readyz`)).ok, 60_000);
    admin = await openTopicAdmin(testKafka({ brokers: inject('kafkaBrokers').split(','), clientId: 'sources-fuzz', log }));
  });
  afterAll(async () => {
    await admin?.close();
    if (edge && edge.proc.exitCode === null) {
      edge.signal('SIGTERM');
      await edge.exited;
    }
    file?.remove();
  });

  it(`answers ${RUNS} generated bad requests with the right 4xx, stays up and writes nothing to Kafka`, async ({ annotate }) => {
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(sourcesFuzzCase({ now: Date.now, bodyLimit: BODY_LIMIT, maxHeaderBytes: MAX_HEADER_BYTES }), async (c) => {
        const res = await fetch(`${base}${c.path}`, {
          method: c.method,
          headers: c.headers,
          ...(c.body.length > 0 && c.method !== 'GET' ? { body: c.body } : {}),
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const family = c.kind.replace(/ at \/\d+$/, '');
        kinds.set(family, (kinds.get(family) ?? 0) + 1);
        const what = `${c.kind} (${c.method} ${c.path.slice(0, 80)}): ${text.slice(0, 300)}`;
        expect(res.status, what).toBe(c.status);
        const body = JSON.parse(text) as { code?: unknown; message?: unknown; errors?: unknown };
        expect(c.codes, what).toContain(body.code);
        expect(typeof body.message, what).toBe('string');
        if (c.status === 422) {
          const errors = body.errors as Array<{ path: unknown; message: unknown }>;
          expect(Array.isArray(errors) && errors.length > 0, what).toBe(true);
          for (const e of errors) expect([typeof e.path, typeof e.message], what).toEqual(['string', 'string']);
          const p = c.pointer ?? '';
          // The failure is named where it is: the pointer itself, or a value below it.
          expect(
            errors.some((e) => e.path === p || (p !== '' && String(e.path).startsWith(`${p}/`))),
            `${what} — expected an error at "${p}"`,
          ).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    expect(edge.proc.exitCode).toBeNull();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(await inKafka()).toBe(0);

    // Still serving: one valid delivery per source goes through, and those are all the topic holds.
    for (const [i, src] of SOURCE_NAMES.entries()) {
      const body = JSON.stringify(validEvent(src, 5_000_000 + i));
      const res = await fetch(`${base}/webhooks/sources/${src}`, { method: 'POST', headers: validHeaders(src, body), body });
      expect(res.status, `${src}: ${await res.text()}`).toBe(200);
    }
    expect(await inKafka()).toBe(SOURCE_NAMES.length);

    // A thousand refusals logged, and no credential among the lines.
    const out = edge.output();
    for (const secret of [...NOTES_KEYS, ...DEPLOY_TOKENS, FORMS_PASSWORD, Buffer.from(`forms:${FORMS_PASSWORD}`).toString('base64')])
      expect(out).not.toContain(secret);
    expect(out).not.toMatch(/unhandled error/);

    const count = (m: Map<string | number, number>) =>
      [...m]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([k, n]) => `${k}×${n}`)
        .join(', ');
    await annotate(`${RUNS} cases over HTTP: ${count(statuses)}`);
    await annotate(`case families: ${count(kinds)}`);
  });
});
