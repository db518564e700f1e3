import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEndpointStore, EndpointInputSchema, generateSecret, newEndpointId } from '@hookstream/deliveries';
import { createDispatcher, DispatcherSchema, type Dispatcher } from '@hookstream/dispatcher';
import { parseEnv } from '@hookstream/config';

import { NOTES_KEYS, apiKeyHeaders, validEvent } from '../support/sources-fixture.js';
import { startSourcesFleet, type SourcesFleet } from '../support/sources-fleet.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { waitUntil } from '../support/wait.js';
import { testKafka } from '../support/kafka.js';

/**
 * The whole way: a webhook posted to the edge is produced, stored by the processor group, and
 * relayed by the dispatcher to a client endpoint, signed — nothing in between is simulated.
 */
describe('relay end to end', () => {
  let f: SourcesFleet;
  let rx: Receiver;
  let dispatcher: Dispatcher;
  beforeAll(async () => {
    rx = await startReceiver();
    f = await startSourcesFleet({ processors: 1 });
    const tag = randomBytes(4).toString('hex');
    const config = parseEnv(DispatcherSchema, {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      DATABASE_URL: f.databaseUrl,
      DELIVERIES_TOPIC: `deliveries-relay-${tag}`,
      DISPATCHER_GROUP_ID: `dispatcher-relay-${tag}`,
      DELIVERY_ALLOW_PRIVATE_NETWORKS: 'true',
      DELIVERY_ALLOW_HTTP: 'true',
      FANOUT_IDLE_MS: '50',
    });
    dispatcher = createDispatcher({
      config,
      kafka: testKafka({ brokers: config.KAFKA_BROKERS, clientId: `relay-${tag}`, log: f.log }),
      dataSource: f.ds,
      log: f.log,
    });
    await dispatcher.start();
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await f?.stop();
    await rx?.close();
  });

  it('relays a webhook accepted by the edge to the endpoint, with the stored event as data', async () => {
    const secret = generateSecret();
    await createEndpointStore(f.ds).create(EndpointInputSchema.parse({ url: rx.url('/relay'), filter: { sources: ['notes'] } }), {
      id: newEndpointId(),
      secret,
      origin: 'api',
      now: Date.now(),
    });
    const event = validEvent('notes', 1);
    const res = await f.post('notes', JSON.stringify(event), apiKeyHeaders(NOTES_KEYS[0]));
    expect(res.status, res.text).toBe(200);
    const [r] = await waitUntil('the relayed delivery', async () => (rx.on('/relay').length > 0 ? rx.on('/relay') : undefined));
    const body = new Webhook(secret).verify(r?.body ?? '', {
      'webhook-id': String(r?.headers['webhook-id']),
      'webhook-timestamp': String(r?.headers['webhook-timestamp']),
      'webhook-signature': String(r?.headers['webhook-signature']),
    }) as { id: string; provider: string; source: string; data: unknown };
    const [row] = await f.rows('notes');
    expect(body).toMatchObject({ id: String(row?.id), provider: 'sources', source: 'notes', data: row?.raw });
  });
});
