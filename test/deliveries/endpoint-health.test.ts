import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncEndpointsFile } from '@hookstream/dispatcher';
import { startDeliveryFleet, type DeliveryFleet } from '../support/delivery-fleet.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitUntil } from '../support/wait.js';

/** Endpoint-level behaviour: disabling after failing for too long, rate limits, endpoints from a file. */
describe('endpoint health and limits', () => {
  let f: DeliveryFleet;
  let rx: Receiver;
  beforeAll(async () => {
    rx = await startReceiver();
    // A long schedule so the delivery stays pending; the endpoint gives up after 1.5 s of failures.
    f = await startDeliveryFleet({
      env: { ENDPOINT_DISABLE_AFTER: '1500ms', DELIVERY_RETRY_SCHEDULE: '0,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms,300ms' },
    });
  });
  afterAll(async () => {
    await f?.stop();
    await rx?.close();
  });

  it('disables an endpoint that failed every attempt for ENDPOINT_DISABLE_AFTER, with the reason, and resumes when re-enabled', async () => {
    let up = false;
    rx.behave('/failing', () => (up ? { status: 200 } : { status: 500 }));
    const { endpoint } = await f.endpoint({ url: rx.url('/failing') });
    const [id] = await f.store([{}]);
    const disabled = await waitUntil('the endpoint is disabled', async () => {
      const e = await f.endpoints.get(endpoint.id);
      return e && !e.enabled ? e : undefined;
    });
    expect(disabled.disabledReason).toMatch(/^every attempt failed since .* \(last: HTTP 500\)$/);
    const tried = rx.on('/failing').length;
    expect(tried).toBeGreaterThanOrEqual(2);
    const pending = await f.deliveries.get(endpoint.id, id as number);
    expect(pending?.state).toBe('pending');
    await new Promise((r) => setTimeout(r, 800));
    expect(rx.on('/failing')).toHaveLength(tried);

    up = true;
    const enabled = await f.endpoints.update(endpoint.id, { enabled: true }, Date.now());
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    await waitUntil('delivered after re-enabling', async () => (await f.deliveries.get(endpoint.id, id as number))?.state === 'succeeded');
  });

  it('sends no faster than rateLimitPerSecond', async () => {
    const { endpoint } = await f.endpoint({ url: rx.url('/limited'), rateLimitPerSecond: 5 });
    await f.store(Array.from({ length: 15 }, () => ({})));
    await waitUntil('all delivered', async () => (await f.deliveries.counts(endpoint.id)).succeeded === 15);
    const at = rx.on('/limited').map((r) => r.at);
    // A full bucket sends 5 at once, then 5 per second: the last 10 need at least 2 s.
    expect(Math.max(...at) - Math.min(...at)).toBeGreaterThanOrEqual(1800);
  });

  it('applies an endpoints file: declared endpoints receive, signed with the declared secret; a second sync changes them in place', async () => {
    const secret = 'whsec_' + Buffer.alloc(32, 3).toString('base64');
    const file = join(tmpdir(), `endpoints-${Date.now()}.yaml`);
    writeFileSync(
      file,
      `endpoints:\n  - id: ep_fixed_orders\n    url: ${rx.url('/fixed')}\n    secretEnv: FIXED_SECRET\n    filter: { types: [order.created] }\n`,
    );
    process.env.FIXED_SECRET = secret;
    try {
      await syncEndpointsFile(f.ds, file, f.log);
    } finally {
      delete process.env.FIXED_SECRET;
    }
    expect(await f.endpoints.get('ep_fixed_orders')).toMatchObject({ origin: 'config', url: rx.url('/fixed'), filter: { types: ['order.created'] } });
    await new Promise((r) => setTimeout(r, 500));
    await f.store([{ type: 'order.created' }, { type: 'order.cancelled' }]);
    const [r] = await waitUntil('the declared endpoint received', async () => (rx.on('/fixed').length > 0 ? rx.on('/fixed') : undefined));
    expect(JSON.parse(r?.body ?? '{}')).toMatchObject({ type: 'order.created' });
    expect(() =>
      new Webhook(secret).verify(r?.body ?? '', {
        'webhook-id': String(r?.headers['webhook-id']),
        'webhook-timestamp': String(r?.headers['webhook-timestamp']),
        'webhook-signature': String(r?.headers['webhook-signature']),
      }),
    ).not.toThrow();

    writeFileSync(file, `endpoints:\n  - id: ep_fixed_orders\n    url: ${rx.url('/fixed-v2')}\n    secret: ${secret}\n    description: moved\n`);
    await syncEndpointsFile(f.ds, file, f.log);
    expect(await f.endpoints.get('ep_fixed_orders')).toMatchObject({ url: rx.url('/fixed-v2'), description: 'moved', filter: {} });
  });
});
