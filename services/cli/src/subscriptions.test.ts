import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhooksApiClient, existingSubscriptionId, setupSubscriptions, WebhookSubscriptionExistsError } from '@hookstream/hubspot';
import { startFakeHubSpot, type FakeHubSpot } from '@hookstream/testkit';
import { runCli } from './run.js';

const APP = 424242;
const KEY = 'dev-key-1';
let fake: FakeHubSpot;
beforeEach(async () => {
  fake = await startFakeHubSpot({ log: false, webhooks: { appId: APP, developerApiKey: KEY } });
});
afterEach(async () => fake.close());

async function cli(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    args,
    { HUBSPOT_APP_ID: String(APP), HUBSPOT_DEVELOPER_API_KEY: KEY, HUBSPOT_API_BASE_URL: fake.url, ...env },
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out, err };
}

const TYPES = 'contact.creation,contact.deletion,contact.propertyChange:email,object.propertyChange@0-2:domain';
const writes = () => fake.webhooks.calls.filter((c) => c.method !== 'GET');

describe('subscriptions:setup and subscriptions:list against the fake HubSpot', () => {
  it('sets the target URL and creates the subscriptions active; a rerun changes nothing', async () => {
    const first = await cli(['subscriptions:setup', '--target-url', 'https://hooks.example.com/webhooks/hubspot', '--types', TYPES]);
    expect(first.code).toBe(0);
    expect(first.out[0]).toBe(`app ${APP}: target URL https://hooks.example.com/webhooks/hubspot (created)`);
    expect(first.out.slice(1, 5)).toEqual([
      expect.stringMatching(/^ {2}created {3}contact\.creation \(id \d+\)$/),
      expect.stringMatching(/created {3}contact\.deletion/),
      expect.stringMatching(/created {3}contact\.propertyChange:email/),
      expect.stringMatching(/created {3}object\.propertyChange@0-2:domain/),
    ]);
    expect(fake.webhooks.settings()).toMatchObject({ targetUrl: 'https://hooks.example.com/webhooks/hubspot', throttling: { maxConcurrentRequests: 10 } });
    expect(fake.webhooks.subscriptions().map((s) => [s.eventType, s.propertyName ?? null, s.objectTypeId ?? null, s.active])).toEqual([
      ['contact.creation', null, null, true],
      ['contact.deletion', null, null, true],
      ['contact.propertyChange', 'email', null, true],
      ['object.propertyChange', 'domain', '0-2', true],
    ]);

    const before = writes().length;
    const again = await cli(['subscriptions:setup', '--target-url', 'https://hooks.example.com/webhooks/hubspot', '--types', TYPES]);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to change');
    expect(again.out.filter((l) => l.startsWith('  unchanged'))).toHaveLength(4);
    expect(again.out[0]).toMatch(/\(unchanged\)$/);
    expect(writes()).toHaveLength(before);
  });

  it('re-activates a paused subscription, moves the target, and pauses the rest only when asked', async () => {
    const api = createWebhooksApiClient({ baseUrl: fake.url, appId: APP, developerApiKey: KEY });
    await api.putSettings({ targetUrl: 'https://old.example.com/hook', throttling: { maxConcurrentRequests: 20 } });
    const paused = await api.createSubscription({ eventType: 'contact.creation', active: false });
    const other = await api.createSubscription({ eventType: 'deal.creation', active: true });
    const r = await cli(['subscriptions:setup', '--types', 'contact.creation', '--pause-others'], { PUBLIC_URL: 'https://new.example.com/' });
    expect(r.code).toBe(0);
    expect(r.out).toEqual(
      expect.arrayContaining([
        `app ${APP}: target URL https://new.example.com/webhooks/hubspot (updated)`,
        `  activated contact.creation (id ${paused.id})`,
        `  paused    deal.creation (id ${other.id})`,
      ]),
    );
    // The throttling the app had is kept.
    expect(fake.webhooks.settings()?.throttling.maxConcurrentRequests).toBe(20);
    expect(Object.fromEntries(fake.webhooks.subscriptions().map((s) => [s.eventType, s.active]))).toEqual({ 'contact.creation': true, 'deal.creation': false });

    const list = await cli(['subscriptions:list']);
    expect(list.code).toBe(0);
    expect(list.out[0]).toBe(`app ${APP}: target URL https://new.example.com/webhooks/hubspot, at most 20 concurrent requests`);
    expect(list.out[1]).toMatch(/^ID +SUBSCRIPTION +ACTIVE +CREATED$/);
    expect(list.out[2]).toMatch(new RegExp(`^${paused.id} +contact\\.creation +yes +\\d{4}-`));
    expect(list.out[3]).toMatch(new RegExp(`^${other.id} +deal\\.creation +paused`));
    expect(list.out.at(-1)).toBe('2 subscriptions, 1 active');
  });

  it('uses the id HubSpot names in a duplicate conflict when its list was stale', async () => {
    const api = createWebhooksApiClient({ baseUrl: fake.url, appId: APP, developerApiKey: KEY });
    const existing = await api.createSubscription({ eventType: 'contact.propertyChange', propertyName: 'email', active: false });
    const dup = await api.createSubscription({ eventType: 'contact.propertyChange', propertyName: 'email', active: true }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(WebhookSubscriptionExistsError);
    expect((dup as WebhookSubscriptionExistsError).existingId).toBe(existing.id);
    const stale = { ...api, listSubscriptions: async () => [] };
    const report = await setupSubscriptions(stale, {
      targetUrl: 'https://h.example.com/webhooks/hubspot',
      subscriptions: [{ eventType: 'contact.propertyChange', propertyName: 'email' }],
    });
    expect(report.subscriptions).toEqual([{ spec: 'contact.propertyChange:email', id: existing.id, action: 'activated' }]);
    expect(fake.webhooks.subscriptions()[0]?.active).toBe(true);
    expect([
      existingSubscriptionId({ subscriptionIds: ['[123]'] }),
      existingSubscriptionId({ subscriptionIds: ['45'] }),
      existingSubscriptionId({ subscriptionIds: [6] }),
      existingSubscriptionId({}),
    ]).toEqual(['123', '45', '6', undefined]);
  });

  it('refuses bad input before calling HubSpot, and reports HubSpot’s refusals', async () => {
    const missing = await cli(['subscriptions:setup', '--target-url', 'https://x.example.com']);
    expect([missing.code, missing.err[0]]).toEqual([2, expect.stringContaining('--types is required')]);
    const badType = await cli(['subscriptions:setup', '--target-url', 'https://x.example.com', '--types', 'contact.propertyChange']);
    expect([badType.code, badType.err[0]]).toEqual([2, expect.stringContaining('needs a property')]);
    const generic = await cli(['subscriptions:setup', '--target-url', 'https://x.example.com', '--types', 'object.creation']);
    expect(generic.err[0]).toContain('needs an object type');
    const noTarget = await cli(['subscriptions:setup', '--types', 'contact.creation']);
    expect([noTarget.code, noTarget.err[0]]).toEqual([2, expect.stringContaining('--target-url is required')]);
    expect(fake.webhooks.calls).toHaveLength(0);

    const wrongKey = await cli(['subscriptions:list'], { HUBSPOT_DEVELOPER_API_KEY: 'nope' });
    expect([wrongKey.code, wrongKey.err[0]]).toEqual([1, expect.stringMatching(/HTTP 401 The API key provided is invalid/)]);
    const noKey = await cli(['subscriptions:list'], { HUBSPOT_DEVELOPER_API_KEY: '' });
    expect([noKey.code, noKey.err[0]]).toEqual([2, expect.stringContaining('HUBSPOT_DEVELOPER_API_KEY: required')]);
    const lowThrottle = await cli(['subscriptions:setup', '--target-url', 'https://x.example.com', '--types', 'contact.creation', '--max-concurrent', '5']);
    expect(lowThrottle.code).toBe(2);
  });
});
