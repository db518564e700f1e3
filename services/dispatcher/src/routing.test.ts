import type { Endpoint, EndpointStore, SigningEndpoint } from '@hookstream/deliveries';
import { generateSecret } from '@hookstream/deliveries';
import { endpointRow } from '@hookstream/deliveries/testing';
import { createLogger } from '@hookstream/observability';
import { describe, expect, it } from 'vitest';
import { createRoutingTable } from './routing.js';

const SECRET = generateSecret();

/** A store whose reads are answered by the test, so a read can be left in flight across a patch. */
function heldStore() {
  const pending: Array<(rows: SigningEndpoint[]) => void> = [];
  const store = { listSigning: () => new Promise<SigningEndpoint[]>((resolve) => pending.push(resolve)) } as unknown as EndpointStore;
  const answer = (e: Endpoint): void => pending.shift()?.([{ endpoint: e, secrets: [SECRET] }]);
  return { store, answer };
}

describe('routing table', () => {
  it('keeps a change this replica made while a read of the older row was in flight, and takes the row read after it', async () => {
    const { store, answer } = heldStore();
    const table = createRoutingTable(store, createLogger({ name: 'routing-test', level: 'silent' }));
    const first = table.refresh();
    answer(endpointRow());
    await first;

    // The read starts, the lane disables the endpoint (database, then patch), then the read answers the row from before.
    const stale = table.refresh();
    table.patch('ep_orders', { enabled: false, disabledReason: 'every attempt failed' });
    answer(endpointRow());
    expect(await stale).toEqual([]);
    expect(table.get('ep_orders')?.endpoint).toMatchObject({ enabled: false, disabledReason: 'every attempt failed' });

    // A read begun after the patch is the database's word: re-enabled elsewhere, it is enabled here.
    const fresh = table.refresh();
    answer(endpointRow({ enabled: true, updatedAt: 5 }));
    expect(await fresh).toEqual(['ep_orders']);
    expect(table.get('ep_orders')?.endpoint.enabled).toBe(true);
  });

  it('takes every read when nothing was patched meanwhile', async () => {
    const { store, answer } = heldStore();
    const table = createRoutingTable(store, createLogger({ name: 'routing-test', level: 'silent' }));
    const first = table.refresh();
    answer(endpointRow());
    await first;
    table.patch('ep_orders', { failingSince: 10 });
    const next = table.refresh();
    answer(endpointRow({ failingSince: null, updatedAt: 1 }));
    expect(await next).toEqual(['ep_orders']);
    expect(table.get('ep_orders')?.endpoint.failingSince).toBeNull();
  });
});
