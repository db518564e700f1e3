import { createServer, type AddressInfo } from 'node:net';
import { createDeliveryStore, createEndpointStore, type AttemptResult } from '@hookstream/deliveries';
import { buildApp } from '@hookstream/events-api';
import { createLogger } from '@hookstream/observability';
import { createLedgerReader } from '@hookstream/store';
import { openMigratedStore, type MigratedStore } from '@hookstream/store/testing';
import { testDatabase } from '@hookstream/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run.js';

const ADMIN = 'cli-admin-token-0123456789';
const READER = 'cli-reader-token-0123456789';

/** The endpoints and deliveries commands against a real events-api listening on a port, on the real database. */
describe('endpoints and deliveries commands against events-api', () => {
  let store: MigratedStore;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let url: string;

  beforeAll(async () => {
    store = await openMigratedStore(await testDatabase());
    app = await buildApp({
      config: { EVENTS_API_TOKENS: [READER], ADMIN_API_TOKENS: [ADMIN], DELIVERY_ALLOW_PRIVATE_NETWORKS: true, DELIVERY_ALLOW_HTTP: true },
      ledger: createLedgerReader(store.ds),
      parts: [],
      log: createLogger({ name: 'cli-admin-int', level: 'silent' }),
      ready: async () => true,
      dataSource: store.ds,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
  });

  async function cli(args: string[], env: Record<string, string> = {}, signal?: AbortSignal): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      args,
      { HOOKSTREAM_API_URL: url, HOOKSTREAM_ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'silent', ...env },
      (l) => out.push(l),
      (l) => err.push(l),
      signal,
    );
    return { code, out, err };
  }

  let id = '';
  let secret = '';

  it('creates an endpoint and prints it with its secret, once', async () => {
    const r = await cli(
      [
        'endpoints',
        'create',
        '--url',
        'http://127.0.0.1:9/hook',
        '--description',
        'local receiver',
        '--filter-json',
        '{"types":["order.*"],"match":{"data.status":"paid"}}',
        '--ordered',
        '--rate-limit',
        '5',
      ],
      { LOG_LEVEL: 'debug' },
    );
    expect(r.code, r.err.join('\n')).toBe(0);
    const created = /^created endpoint (ep_[a-z2-7]{26})$/.exec(r.out[0] ?? '');
    expect(created).not.toBeNull();
    id = created?.[1] ?? '';
    const secretLine = r.out.find((l) => l.startsWith('secret: '));
    secret = secretLine?.slice('secret: '.length) ?? '';
    expect(secret).toMatch(/^whsec_/);
    expect(r.out.join('\n')).toMatch(/url +http:\/\/127\.0\.0\.1:9\/hook/);
    expect(r.out.join('\n')).toMatch(/ordered +yes/);
    expect(r.out.join('\n')).toMatch(/rate limit +5\/s/);
    expect(r.out.join('\n')).toContain('{"types":["order.*"],"match":{"data.status":"paid"}}');
    // The stored secret is the one printed; the debug log has the request but neither secret nor token.
    expect((await createEndpointStore(store.ds).listSigning(Date.now())).find((s) => s.endpoint.id === id)?.secrets).toEqual([secret]);
    expect(r.err.join('\n')).toContain('events-api request');
    expect(r.err.join('\n')).not.toContain(secret);
    expect(r.err.join('\n')).not.toContain(ADMIN);

    const json = await cli(['endpoints', 'create', '--url', 'http://127.0.0.1:9/other', '--disabled', '--json']);
    expect(json.code).toBe(0);
    expect(json.out).toHaveLength(1);
    expect(JSON.parse(json.out[0] ?? '')).toMatchObject({ url: 'http://127.0.0.1:9/other', enabled: false, secret: expect.stringMatching(/^whsec_/) });
  });

  it('lists, disables, shows, enables', async () => {
    const list = await cli(['endpoints', 'list']);
    expect(list.code).toBe(0);
    expect(list.out[0]).toMatch(/^ID +ENABLED +ORDERED +ORIGIN +URL +DESCRIPTION$/);
    expect(list.out.some((l) => l.startsWith(id) && /yes +yes +api +http:\/\/127\.0\.0\.1:9\/hook +local receiver/.test(l))).toBe(true);
    expect(list.out.at(-1)).toBe('2 endpoints, 1 enabled');
    expect(list.out.join('\n')).not.toContain(secret);

    const off = await cli(['endpoints', 'disable', id]);
    expect(off).toMatchObject({ code: 0, out: [`endpoint ${id} disabled: deliveries wait until it is enabled`] });
    expect((await createEndpointStore(store.ds).get(id))?.enabled).toBe(false);

    const show = await cli(['endpoints', 'show', id]);
    expect(show.code).toBe(0);
    expect(show.out.join('\n')).toMatch(/enabled +no \(since \d{4}-/);
    expect(show.out.at(-1)).toMatch(/^deliveries +pending 0, succeeded 0, dead 0$/);

    const on = await cli(['endpoints', 'enable', id]);
    expect(on.out).toEqual([`endpoint ${id} enabled: deliveries resume where they stopped`]);
    expect((await createEndpointStore(store.ds).get(id))?.enabled).toBe(true);
  });

  it('retries dead deliveries in chunks with progress on stderr, and one delivery by event', async () => {
    const deliveries = createDeliveryStore(store.ds);
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
    const t = Date.now() - 60_000;
    await deliveries.enqueue(
      ids.map((eventId) => ({ endpointId: id, eventId })),
      t,
    );
    const dead = (eventId: number): AttemptResult => ({
      attempt: { endpointId: id, eventId, attempt: 1, startedAt: t, latencyMs: 3, outcome: 'failed', status: 500, error: null, responseSnippet: 'boom' },
      state: 'dead',
      roundAttempts: 1,
      nextAttemptAt: t,
    });
    await deliveries.record(ids.map(dead), t);

    const r = await cli(['deliveries', 'retry', '--endpoint', id, '--chunk', '1000']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.err).toEqual(['retried 1000 so far', 'retried 2000 so far']);
    expect(r.out).toEqual([`retried 2500 deliveries of ${id} (status dead): pending again, due now`]);
    expect(await deliveries.counts(id)).toEqual({ pending: 2500, succeeded: 0, dead: 0 });

    // Interrupted (Ctrl-C) after a chunk: it says how to go on, and going on finishes the rest.
    const stop = new AbortController();
    stop.abort('SIGINT');
    const cut = await cli(['deliveries', 'retry', '--endpoint', id, '--status', 'pending', '--chunk', '1000'], {}, stop.signal);
    expect(cut).toMatchObject({
      code: 130,
      err: ['retried 1000 so far'],
      out: [`interrupted: retried 1000 deliveries of ${id}; continue with the same command and --after 1000`],
    });
    const resumed = await cli(['deliveries', 'retry', '--endpoint', id, '--status', 'pending', '--chunk', '1000', '--after', '1000']);
    expect(resumed).toMatchObject({
      code: 0,
      err: ['retried 1000 so far'],
      out: [`retried 1500 deliveries of ${id} (status pending): pending again, due now`],
    });

    // Nothing dead is left; a time range in the future selects nothing either.
    expect((await cli(['deliveries', 'retry', '--endpoint', id])).out).toEqual([`retried 0 deliveries of ${id} (status dead): pending again, due now`]);
    expect((await cli(['deliveries', 'retry', '--endpoint', id, '--status', 'pending', '--from', '2999-01-01T00:00:00Z'])).out[0]).toMatch(/^retried 0 /);

    const one = await cli(['deliveries', 'retry', '--endpoint', id, '--event', '7']);
    expect(one.code).toBe(0);
    expect(one.out[0]).toMatch(new RegExp(`^retried delivery msg_7_${id.slice(3)} \\(event 7 to ${id}\\): pending, due \\d{4}-`));
    const missing = await cli(['deliveries', 'retry', '--endpoint', id, '--event', '99999']);
    expect(missing.code).toBe(1);
    expect(missing.err.join('\n')).toContain('404 delivery_not_found');

    const log = await cli(['endpoints', 'deliveries', id, '--status', 'pending', '--limit', '3']);
    expect(log.code).toBe(0);
    expect(log.out[0]).toMatch(/^WEBHOOK-ID +EVENT +STATE +ATTEMPTS +LAST +NEXT-ATTEMPT +LAST-ERROR$/);
    expect(log.out.slice(1, 4).map((l) => l.split(/ +/)[1])).toEqual(['2500', '2499', '2498']);
    expect(log.out.at(-1)).toBe(`3 deliveries of ${id} shown, newest first (more exist: raise --limit)`);

    const byEvent = await cli(['deliveries', 'event', '7', '--json']);
    expect(byEvent.out.map((l) => (JSON.parse(l) as { endpointId: string }).endpointId)).toEqual([id]);
  });

  it('rotates the secret and deletes the endpoint', async () => {
    const r = await cli(['endpoints', 'rotate-secret', id]);
    expect(r.code).toBe(0);
    const fresh = /^new secret of ep_[a-z2-7]+: (whsec_\S+)$/.exec(r.out[0] ?? '')?.[1];
    expect(fresh).toBeDefined();
    expect(r.out[1]).toMatch(/previous secret keeps signing beside it until \d{4}-/);
    expect((await createEndpointStore(store.ds).listSigning(Date.now())).find((s) => s.endpoint.id === id)?.secrets).toEqual([fresh, secret]);

    expect(await cli(['endpoints', 'delete', id])).toMatchObject({ code: 0, out: [`endpoint ${id} deleted (its delivery log stays readable by event)`] });
    const gone = await cli(['endpoints', 'show', id]);
    expect(gone.code).toBe(1);
    expect(gone.err.join('\n')).toContain(`events-api answered 404 endpoint_not_found: no endpoint ${id}`);
  });

  it('explains refusals: reader token, missing token, bad input, usage, unreachable API', async () => {
    const reader = await cli(['endpoints', 'list'], { HOOKSTREAM_ADMIN_TOKEN: READER });
    expect(reader.code).toBe(1);
    expect(reader.err.join('\n')).toMatch(/403 admin_required[\s\S]*reader token/);
    expect(reader.err.join('\n')).not.toContain(READER);

    const noTokenErr: string[] = [];
    const noToken = await runCli(
      ['endpoints', 'list'],
      { HOOKSTREAM_API_URL: url },
      () => undefined,
      (l) => noTokenErr.push(l),
    );
    expect(noToken).toBe(2);
    expect(noTokenErr).toEqual(["endpoints: invalid configuration: HOOKSTREAM_ADMIN_TOKEN: required (one of events-api's ADMIN_API_TOKENS)"]);

    const ssrf = await cli(['endpoints', 'create', '--url', 'http://169.254.169.254/latest']);
    expect(ssrf.code).toBe(1);
    expect(ssrf.err.join('\n')).toMatch(/422 destination_refused: .*cloud metadata[\s\S]*\/url:/);

    const invalid = await cli(['endpoints', 'create', '--url', 'http://127.0.0.1:9/x', '--filter-json', '{"typ":[]}']);
    expect(invalid.err.join('\n')).toContain('/filter/typ: unknown field');

    for (const [args, message] of [
      [['endpoints'], 'name a subcommand'],
      [['endpoints', 'frobnicate'], 'unknown subcommand "frobnicate"'],
      [['endpoints', 'show'], 'give the endpoint id (ep_…) right after the subcommand'],
      [['endpoints', 'create'], '--url is required'],
      [['endpoints', 'create', '--url', 'x', '--filter-json', '{'], '--filter-json must be JSON'],
      [['deliveries', 'retry'], '--endpoint is required'],
      [['deliveries', 'retry', '--endpoint', 'ep_x', '--event', '3', '--status', 'dead'], '--status do not apply'],
      [['deliveries', 'retry', '--endpoint', 'ep_x', '--status', 'failed'], '--status takes pending, succeeded, dead'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.join('\n')).toContain(message);
    }

    // A port nothing listens on: taken, then released.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const closed = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const down = await cli(['endpoints', 'list', '--api-url', `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(1);
    expect(down.err.join('\n')).toContain(`cannot reach events-api at http://127.0.0.1:${closed} (ECONNREFUSED)`);
  });
});
