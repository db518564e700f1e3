import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import {
  createOAuthClient,
  createStateSigner,
  createTokenCipher,
  hubspotEdgePart,
  oauthRoutes,
  loadHubSpotEdgeConfig,
  tokenContext,
  type InstalledPortal,
  type OAuthRouteOptions,
} from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { createMemoryTokenRepository, startFakeHubSpot, type FakeHubSpot } from '@hookstream/testkit';
import { buildEdgeApp } from './app.js';
import type { EventPublisher } from './publisher.js';

const SECRET = 'test-client-secret-0000';
const REDIRECT = 'https://hooks.example.com/oauth/callback';
const log = createLogger({ name: 'edge-oauth-test', level: 'silent' });
const publisher: EventPublisher = { publish: async () => undefined, ready: () => true };
let fake: FakeHubSpot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup() {
  fake = await startFakeHubSpot({ log: false, oauth: { clientId: 'cid-1', clientSecret: SECRET } });
  const f = fake;
  const config = loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: SECRET, PUBLIC_URL: 'https://hooks.example.com' });
  const cipher = createTokenCipher({ key: randomBytes(32).toString('base64') });
  const repository = createMemoryTokenRepository();
  const installed: InstalledPortal[] = [];
  const oauth: OAuthRouteOptions = {
    clientId: 'cid-1',
    redirectUri: REDIRECT,
    scopes: ['oauth', 'crm.objects.contacts.read'],
    optionalScopes: ['tickets'],
    authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
    signer: createStateSigner({ secret: SECRET, now: Date.now }),
    installDeps: async () => ({
      client: createOAuthClient({ baseUrl: f.url, clientId: 'cid-1', clientSecret: SECRET }),
      repository,
      cipher,
      now: Date.now,
      log,
    }),
    onInstalled: async (p) => {
      installed.push(p);
      return 3;
    },
    log,
  };
  // HubSpot's part with OAuth routes built by hand, so the test controls the repository and clock.
  const part = { ...hubspotEdgePart(config, log), plugins: [async (a: FastifyInstance) => void (await a.register(oauthRoutes, oauth))] };
  const app = await buildEdgeApp({ config, publisher, log, parts: [{ provider: 'hubspot', part }] });
  /** /oauth/install, then what HubSpot does after the user approves. */
  async function startInstall(portalId: number) {
    const res = await app.inject({ method: 'GET', url: '/oauth/install' });
    const location = new URL(String(res.headers.location));
    const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
    const code = f.oauth.authorize(portalId, { redirectUri: location.searchParams.get('redirect_uri') ?? '', hubDomain: 'acme.hubspot.com' });
    return { res, location, cookie, state: location.searchParams.get('state') ?? '', code };
  }
  return { app, fake: f, cipher, repository, installed, startInstall };
}

describe('edge OAuth install flow', () => {
  it('redirects to HubSpot with the app, scopes, redirect URL and a state bound to an HttpOnly cookie', async () => {
    const s = await setup();
    const { res, location } = await s.startInstall(1);
    expect(res.statusCode).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.hubspot.com/oauth/authorize');
    expect(res.headers.location).toContain('scope=oauth%20crm.objects.contacts.read&optional_scope=tickets');
    expect(location.searchParams.get('client_id')).toBe('cid-1');
    expect(location.searchParams.get('redirect_uri')).toBe(REDIRECT);
    expect(String(res.headers['set-cookie'])).toMatch(/^hookstream_oauth_state=[^;]+; Path=\/oauth; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  });

  it('stores the portal’s tokens sealed and reschedules its waiting events on the callback', async () => {
    const s = await setup();
    const { cookie, state, code } = await s.startInstall(62515);
    const res = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      installed: true,
      portalId: 62515,
      hubDomain: 'acme.hubspot.com',
      scopes: ['oauth', 'crm.objects.contacts.read'],
      rescheduledEvents: 3,
    });
    const row = s.repository.rows.get(62515);
    expect(row?.status).toBe('active');
    expect(s.cipher.open(row?.refreshTokenCiphertext ?? '', tokenContext.refresh(62515))).toMatch(/^na1-/);
    expect(s.installed.map((p) => p.portalId)).toEqual([62515]);
    expect(String(res.headers['set-cookie'])).toContain('Max-Age=0');
  });

  it('refuses a callback without the browser’s cookie (CSRF) before talking to HubSpot', async () => {
    const s = await setup();
    const { state, code } = await s.startInstall(7);
    const other = await s.startInstall(8);
    const noCookie = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}` });
    const wrongCookie = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}`, headers: { cookie: other.cookie } });
    // The other browser's nonce under this state's signature: the signature no longer matches.
    const forgedState = `${other.state.split('.')[0]}.${state.split('.')[1]}`;
    const forged = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${forgedState}`, headers: { cookie: other.cookie } });
    for (const r of [noCookie, wrongCookie, forged]) {
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'OAUTH_STATE_INVALID' });
    }
    expect(forged.json().message).toMatch(/not issued by this app/);
    expect(s.fake.oauth.calls).toHaveLength(0);
    expect(s.repository.rows.size).toBe(0);
  });

  it('explains a denied install, a reused code, and answers HTML to browsers', async () => {
    const s = await setup();
    const denied = await s.app.inject({
      method: 'GET',
      url: '/oauth/callback?error=access_denied&error_description=User%20cancelled',
      headers: { accept: 'text/html' },
    });
    expect(denied.statusCode).toBe(400);
    expect(denied.headers['content-type']).toMatch(/text\/html/);
    expect(denied.body).toContain('User cancelled');
    const { cookie, state, code } = await s.startInstall(9);
    const first = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}`, headers: { cookie, accept: 'text/html' } });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Portal 9 (acme.hubspot.com) is connected');
    const again = await s.app.inject({ method: 'GET', url: `/oauth/callback?code=${code}&state=${state}`, headers: { cookie } });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'OAUTH_CODE_REJECTED' });
  });

  it('is not served when OAuth is not configured', async () => {
    const config = loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: SECRET });
    const app = await buildEdgeApp({ config, publisher, log, parts: [{ provider: 'hubspot', part: hubspotEdgePart(config, log) }] });
    expect((await app.inject({ method: 'GET', url: '/oauth/install' })).statusCode).toBe(404);
  });
});
