import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeApp, type EventPublisher } from '@hookstream/edge';
import { hubspotEdgePart, loadHubSpotEdgeConfig } from '@hookstream/hubspot';
import { PORTAL, hsEvent, startTestFleet, type TestFleet } from './support/fleet.js';
import { waitUntil } from './support/wait.js';

const KEY = randomBytes(32).toString('base64');
const OTHER = 777_001;

/**
 * Many portals: one installed through the OAuth flow, one not yet. The processor enriches each
 * with its own token; the other portal's events wait as pending and are enriched right after its
 * install, through the real edge OAuth routes, database, sweeper and fake HubSpot.
 */
describe('an app installed in many portals', () => {
  let fleet: TestFleet;
  let install: (portalId: number) => Promise<{ status: number; body: Record<string, unknown> }>;
  let closeOAuth: () => Promise<void>;

  beforeAll(async () => {
    fleet = await startTestFleet({
      processorEnv: {
        HUBSPOT_ACCESS_TOKEN: '',
        HUBSPOT_CLIENT_ID: 'fake-client-id',
        HUBSPOT_CLIENT_SECRET: 'fake-client-secret',
        TOKEN_ENCRYPTION_KEY: KEY,
        // Without an install nothing but the install itself may bring the events back soon.
        ENRICH_RETRY_BASE_MS: '600000',
        ENRICH_RETRY_MAX_MS: '600000',
      },
    });
    const config = loadHubSpotEdgeConfig({
      KAFKA_BROKERS: '127.0.0.1:9',
      HUBSPOT_CLIENT_SECRET: 'fake-client-secret',
      HUBSPOT_CLIENT_ID: 'fake-client-id',
      DATABASE_URL: String((fleet.ds.options as { url: string }).url),
      TOKEN_ENCRYPTION_KEY: KEY,
      PUBLIC_URL: 'https://hooks.example.com',
      HUBSPOT_API_BASE_URL: fleet.fake.url,
      LOG_LEVEL: 'silent',
    });
    const part = hubspotEdgePart(config, fleet.log);
    if (part.plugins?.length !== 1) throw new Error('OAuth routes expected');
    closeOAuth = async () => part.close?.();
    const publisher: EventPublisher = { publish: async () => undefined, ready: () => true };
    const edge = await buildEdgeApp({ config, publisher, log: fleet.log, parts: [{ provider: 'hubspot', part }] });
    install = async (portalId) => {
      const start = await edge.inject({ method: 'GET', url: '/oauth/install' });
      const location = new URL(String(start.headers.location));
      const code = fleet.fake.oauth.authorize(portalId, { redirectUri: location.searchParams.get('redirect_uri') ?? '' });
      const cookie = String(start.headers['set-cookie']).split(';')[0] ?? '';
      const res = await edge.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${location.searchParams.get('state')}`, headers: { cookie } });
      return { status: res.statusCode, body: res.json() as Record<string, unknown> };
    };
  });
  afterAll(async () => {
    await closeOAuth?.();
    await fleet?.stop();
  });

  it('enriches each portal with its own token and catches up a portal right after it installs', async () => {
    fleet.fake.upsertObject(PORTAL, 'contact', { id: 9001, properties: { email: 'a@portal-a.example' } });
    fleet.fake.upsertObject(OTHER, 'contact', { id: 9001, properties: { email: 'b@portal-b.example' } });
    expect(await install(PORTAL)).toMatchObject({ status: 200, body: { installed: true, portalId: PORTAL } });

    const a = hsEvent(1, { objectId: 9001 });
    const b = hsEvent(2, { objectId: 9001, portalId: OTHER });
    expect((await fleet.post([a, b])).status).toBe(200);
    await fleet.drained();

    const [ea] = (await fleet.client.listEvents({ portalId: PORTAL, limit: 10 })).events;
    expect(ea?.enrichment).toMatchObject({ state: 'enriched', snapshot: { properties: { email: 'a@portal-a.example' } } });
    const [eb] = (await fleet.client.listEvents({ portalId: OTHER, limit: 10 })).events;
    expect(eb?.enrichment.state).toBe('pending');
    expect(eb?.enrichment.error).toMatch(new RegExp(`no HubSpot token for portal ${OTHER}: the app is not installed in it.*/oauth/install`));
    // Every read went out with portal A's OAuth token; none for B.
    expect(fleet.fake.calls.map((c) => [c.portalId, c.status])).toEqual([[PORTAL, 200]]);

    const installed = await install(OTHER);
    expect(installed).toMatchObject({ status: 200, body: { portalId: OTHER, rescheduledEvents: 1 } });
    const later = await waitUntil('portal B’s waiting event to be enriched after its install', async () => {
      const [e] = (await fleet.client.listEvents({ portalId: OTHER, limit: 10 })).events;
      return e?.enrichment.state === 'enriched' ? e : undefined;
    });
    expect(later.enrichment.snapshot).toMatchObject({ properties: { email: 'b@portal-b.example' } });
    const rows = (await fleet.ds.query('SELECT portal_id, status, encryption_key_id FROM hubspot_portal_tokens ORDER BY portal_id')) as Array<
      Record<string, unknown>
    >;
    expect(rows.map((r) => [Number(r.portal_id), r.status])).toEqual([
      [PORTAL, 'active'],
      [OTHER, 'active'],
    ]);
  });
});
