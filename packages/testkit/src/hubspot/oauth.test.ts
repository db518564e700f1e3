import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HubSpotAuthError,
  HubSpotNoTokenError,
  completeInstall,
  createBatchReadClient,
  createOAuthClient,
  createTokenCipher,
  createTokenProvider,
  tokenContext,
  type TokenProviderOptions,
} from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { createMemoryTokenRepository } from './memory-token-repository.js';
import { startFakeHubSpot, type FakeHubSpot, type FakeHubSpotOptions } from './server.js';

const log = createLogger({ name: 'oauth-test', level: 'silent' });
const REDIRECT = 'https://hookstream.example/oauth/callback';
const PORTAL = 4242;
let fake: FakeHubSpot | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(o: FakeHubSpotOptions = {}) {
  let t = 1_800_000_000_000;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  fake = await startFakeHubSpot({ log: false, tokens: new Map(), now: clock.now, ...o });
  const cipher = createTokenCipher({ key: randomBytes(32).toString('base64') });
  const repository = createMemoryTokenRepository();
  const client = createOAuthClient({ baseUrl: fake.url, clientId: fake.oauth.clientId, clientSecret: fake.oauth.clientSecret });
  const install = (portalId = PORTAL) =>
    completeInstall(
      { client, repository, cipher, now: clock.now, log },
      { code: (fake as FakeHubSpot).oauth.authorize(portalId, { redirectUri: REDIRECT, hubDomain: 'acme.hubspot.com' }), redirectUri: REDIRECT },
    );
  const provider = (extra: Partial<TokenProviderOptions> = {}) => createTokenProvider({ oauth: { client, repository, cipher }, log, now: clock.now, ...extra });
  return { fake, clock, cipher, repository, client, install, provider };
}

const refreshCalls = (f: FakeHubSpot) => f.oauth.calls.filter((c) => c.grantType === 'refresh_token').length;

describe('OAuth install against the fake HubSpot', () => {
  it('exchanges the code and stores both tokens sealed, keyed by the portal HubSpot names', async () => {
    const s = await setup();
    const installed = await s.install();
    expect(installed).toEqual({ portalId: PORTAL, hubDomain: 'acme.hubspot.com', scopes: ['oauth', 'crm.objects.contacts.read'] });
    const row = s.repository.rows.get(PORTAL);
    expect(row).toMatchObject({ status: 'active', encryptionKeyId: s.cipher.keyId, accessExpiresAt: s.clock.now() + 1_800_000 });
    expect(row?.refreshTokenCiphertext).not.toMatch(/na1-/);
    expect(s.cipher.open(row?.refreshTokenCiphertext ?? '', tokenContext.refresh(PORTAL))).toMatch(/^na1-/);
    expect(s.fake.oauth.calls.map((c) => [c.path, c.grantType, c.status])).toEqual([['/oauth/2026-03/token', 'authorization_code', 200]]);
  });

  it('falls back to the access-token info endpoint when the token answer has no hub_id', async () => {
    const s = await setup({ oauth: { omitHubId: true } });
    expect((await s.install(77)).portalId).toBe(77);
    expect(s.repository.rows.has(77)).toBe(true);
  });

  it('refuses a reused code and a wrong client secret with classified errors', async () => {
    const s = await setup();
    const code = s.fake.oauth.authorize(PORTAL, { redirectUri: REDIRECT });
    await s.client.exchangeCode({ code, redirectUri: REDIRECT });
    await expect(s.client.exchangeCode({ code, redirectUri: REDIRECT })).rejects.toMatchObject({ kind: 'revoked', oauthError: 'invalid_grant', status: 400 });
    const wrong = createOAuthClient({ baseUrl: s.fake.url, clientId: s.fake.oauth.clientId, clientSecret: 'nope' });
    await expect(wrong.refresh('na1-x')).rejects.toMatchObject({ kind: 'config', oauthError: 'invalid_client' });
    s.fake.oauth.failNext(1, 503);
    await expect(s.client.refresh('na1-x')).rejects.toMatchObject({ kind: 'transient', retryable: true });
  });
});

describe('token provider', () => {
  it('uses the stored token until 5 minutes before expiry, then refreshes once for concurrent callers', async () => {
    const s = await setup();
    await s.install();
    const p = s.provider();
    const first = await p.tokenFor(PORTAL);
    expect(refreshCalls(s.fake)).toBe(0);
    s.clock.advance(24 * 60_000);
    expect(await p.tokenFor(PORTAL)).toBe(first);
    s.clock.advance(2 * 60_000);
    const [a, b, c] = await Promise.all([p.tokenFor(PORTAL), p.tokenFor(PORTAL), p.tokenFor(PORTAL)]);
    expect(refreshCalls(s.fake)).toBe(1);
    expect(a).not.toBe(first);
    expect([b, c]).toEqual([a, a]);
    // The refreshed token is stored (sealed with the current key) for other replicas.
    const row = s.repository.rows.get(PORTAL);
    expect(s.cipher.open(row?.accessTokenCiphertext ?? '', tokenContext.access(PORTAL))).toBe(a);
    // And HubSpot accepts it for this portal's reads.
    s.fake.upsertObject(PORTAL, 'contact', { id: 1, properties: { email: 'a@b.c' } });
    const reader = createBatchReadClient({ baseUrl: s.fake.url, tokenFor: (id) => p.tokenFor(id), log });
    expect((await reader.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: ['email'] })).found.get('1')?.properties.email).toBe('a@b.c');
  });

  it('a second replica reuses the token the first stored instead of refreshing again', async () => {
    const s = await setup();
    await s.install();
    s.clock.advance(26 * 60_000);
    const a = await s.provider().tokenFor(PORTAL);
    const b = await s.provider().tokenFor(PORTAL);
    expect(b).toBe(a);
    expect(refreshCalls(s.fake)).toBe(1);
  });

  it('marks the portal invalid when HubSpot refuses the refresh token; events then wait for an install', async () => {
    const s = await setup();
    await s.install();
    s.fake.oauth.revoke(PORTAL);
    s.clock.advance(26 * 60_000);
    const p = s.provider();
    const err = await p.tokenFor(PORTAL).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubSpotNoTokenError);
    expect(err).toMatchObject({ retryable: true, message: expect.stringMatching(/refused its refresh token.*\/oauth\/install/) });
    expect(s.repository.rows.get(PORTAL)).toMatchObject({ status: 'invalid', statusReason: expect.stringMatching(/invalid, expired or revoked/) });
    // The row says invalid now: no second refresh attempt.
    await expect(p.tokenFor(PORTAL)).rejects.toBeInstanceOf(HubSpotNoTokenError);
    expect(refreshCalls(s.fake)).toBe(1);
    // A re-install takes effect on the next call.
    await s.install();
    expect(await p.tokenFor(PORTAL)).toMatch(/^fake-at-4242-/);
  });

  it('keeps the portal active on a client misconfiguration or a HubSpot outage', async () => {
    const s = await setup();
    await s.install();
    s.clock.advance(26 * 60_000);
    const wrong = createOAuthClient({ baseUrl: s.fake.url, clientId: s.fake.oauth.clientId, clientSecret: 'rotated-away' });
    const p1 = createTokenProvider({ oauth: { client: wrong, repository: s.repository, cipher: s.cipher }, log, now: s.clock.now });
    await expect(p1.tokenFor(PORTAL)).rejects.toBeInstanceOf(HubSpotAuthError);
    s.fake.oauth.failNext(1, 503);
    const p2 = s.provider();
    await expect(p2.tokenFor(PORTAL)).rejects.toMatchObject({ name: 'HubSpotOAuthError', retryable: true });
    expect(s.repository.rows.get(PORTAL)?.status).toBe('active');
    expect(await p2.tokenFor(PORTAL)).toMatch(/^fake-at-/);
  });

  it('refreshes early after HubSpot rejects the token with a 401', async () => {
    const s = await setup();
    await s.install();
    const p = s.provider();
    const token = await p.tokenFor(PORTAL);
    s.fake.oauth.expireAccessTokens(PORTAL);
    s.fake.upsertObject(PORTAL, 'contact', { id: 1, properties: {} });
    const reader = createBatchReadClient({
      baseUrl: s.fake.url,
      tokenFor: (id) => p.tokenFor(id),
      onAuthRejected: (id, t) => p.reportRejected(id, t),
      log,
      maxRetries: 0,
    });
    await expect(reader.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] })).rejects.toBeInstanceOf(HubSpotAuthError);
    const next = await p.tokenFor(PORTAL);
    expect(next).not.toBe(token);
    expect(refreshCalls(s.fake)).toBe(1);
    expect((await reader.read({ portalId: PORTAL, objectType: 'contact', ids: ['1'], properties: [] })).found.size).toBe(1);
  });

  it('serves the static token for its portal only, or for every portal without an install', async () => {
    const s = await setup();
    await s.install();
    const single = createTokenProvider({ staticToken: 'pat-1', staticPortalId: 1, log });
    expect(await single.tokenFor(1)).toBe('pat-1');
    await expect(single.tokenFor(2)).rejects.toMatchObject({ name: 'HubSpotNoTokenError', retryable: false });
    const every = s.provider({ staticToken: 'pat-all' });
    expect(await every.tokenFor(999)).toBe('pat-all');
    expect(await every.tokenFor(PORTAL)).toMatch(/^fake-at-4242-/);
    await expect(createTokenProvider({ log }).tokenFor(1)).rejects.toMatchObject({ retryable: false, message: /HUBSPOT_ACCESS_TOKEN is not set/ });
  });

  it('waits (auth error, retryable later) instead of skipping when the stored token cannot be opened', async () => {
    const s = await setup();
    await s.install();
    const otherKey = createTokenCipher({ key: randomBytes(32).toString('hex') });
    const p = createTokenProvider({ oauth: { client: s.client, repository: s.repository, cipher: otherKey }, log, now: s.clock.now });
    await expect(p.tokenFor(PORTAL)).rejects.toMatchObject({ name: 'HubSpotAuthError', message: /not configured/ });
    expect(s.repository.rows.get(PORTAL)?.status).toBe('active');
  });
});
