import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeHubSpot, type FakeHubSpot } from './server.js';

let fake: FakeHubSpot;
beforeEach(async () => {
  fake = await startFakeHubSpot({ log: false, webhooks: { appId: 7, developerApiKey: 'k' } });
});
afterEach(async () => fake.close());

async function call(method: string, path: string, body?: unknown, key = 'k') {
  const res = await fetch(`${fake.url}/webhooks/v3${path}?hapikey=${key}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('fake Webhooks v3 API', () => {
  it('creates subscriptions paused unless asked, and refuses a duplicate naming the existing id', async () => {
    const created = await call('POST', '/7/subscriptions', { eventType: 'contact.creation' });
    expect(created).toMatchObject({ status: 201, body: { eventType: 'contact.creation', active: false } });
    const dup = await call('POST', '/7/subscriptions', { eventType: 'contact.creation', active: true });
    expect(dup).toMatchObject({ status: 400, body: { category: 'VALIDATION_ERROR', context: { subscriptionIds: [`[${created.body?.id}]`] } } });
    expect((await call('POST', '/7/subscriptions', { eventType: 'contact.propertyChange' })).status).toBe(400);
    expect((await call('POST', '/7/subscriptions', { eventType: 'object.creation' })).status).toBe(400);
    expect((await call('POST', '/7/subscriptions', { eventType: 'object.creation', objectTypeId: '0-1' })).status).toBe(201);
    expect((await call('POST', '/7/subscriptions', { eventType: 'contact.nonsense' })).status).toBe(400);
  });

  it('updates one or many subscriptions, reporting unknown ids in a 207', async () => {
    const a = await call('POST', '/7/subscriptions', { eventType: 'deal.creation' });
    expect(await call('PATCH', `/7/subscriptions/${a.body?.id}`, { active: true })).toMatchObject({ status: 200, body: { active: true } });
    const batch = await call('POST', '/7/subscriptions/batch/update', {
      inputs: [
        { id: Number(a.body?.id), active: false },
        { id: 999, active: true },
      ],
    });
    expect(batch).toMatchObject({
      status: 207,
      body: { numErrors: 1, errors: [{ category: 'SUBSCRIPTION_ID_NOT_FOUND', context: { subscriptionIds: ['999'] } }] },
    });
    expect(fake.webhooks.subscriptions()[0]?.active).toBe(false);
    expect((await call('PATCH', '/7/subscriptions/999', { active: true })).status).toBe(404);
  });

  it('keeps settings, checks throttling, and needs the developer key and the right app', async () => {
    expect((await call('GET', '/7/settings')).status).toBe(404);
    expect((await call('PUT', '/7/settings', { targetUrl: 'https://x.example/h', throttling: { maxConcurrentRequests: 5 } })).status).toBe(400);
    expect(await call('PUT', '/7/settings', { targetUrl: 'https://x.example/h', throttling: { maxConcurrentRequests: 12, period: 'SECONDLY' } })).toMatchObject(
      { status: 200, body: { targetUrl: 'https://x.example/h', throttling: { maxConcurrentRequests: 12, period: 'SECONDLY' } } },
    );
    expect(await call('GET', '/7/settings')).toMatchObject({ status: 200, body: { targetUrl: 'https://x.example/h' } });
    expect((await call('GET', '/7/subscriptions', undefined, 'wrong')).status).toBe(401);
    expect((await call('GET', '/8/subscriptions')).status).toBe(404);
  });
});
