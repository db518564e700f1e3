import { describe, expect, it } from 'vitest';
import { loadHubSpotEdgeConfig } from './edge.js';
import { loadHubSpotProcessorConfig } from './processor.js';

const edgeEnv = { KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: 's3cret' };
const procEnv = { KAFKA_BROKERS: 'a:1', DATABASE_URL: 'mysql://root:@127.0.0.1:3306/hookstream' };
const KEY = 'a'.repeat(64);

describe('OAuth settings', () => {
  it('leave both services as before when HUBSPOT_CLIENT_ID is unset', () => {
    expect(loadHubSpotEdgeConfig(edgeEnv).HUBSPOT_CLIENT_ID).toBeUndefined();
    const p = loadHubSpotProcessorConfig(procEnv);
    expect([p.HUBSPOT_PORTAL_ID, p.TOKEN_ENCRYPTION_PREVIOUS_KEYS, p.ENRICH_CACHE_TTL_MS]).toEqual([undefined, [], 5_000]);
  });

  it('name what an OAuth edge is missing, one setting at a time', () => {
    const oauth = { ...edgeEnv, HUBSPOT_CLIENT_ID: 'cid' };
    expect(() => loadHubSpotEdgeConfig(oauth)).toThrowError(/^DATABASE_URL: required when HUBSPOT_CLIENT_ID is set/);
    expect(() => loadHubSpotEdgeConfig({ ...oauth, DATABASE_URL: procEnv.DATABASE_URL })).toThrowError(/^TOKEN_ENCRYPTION_KEY: required/);
    expect(() => loadHubSpotEdgeConfig({ ...oauth, DATABASE_URL: procEnv.DATABASE_URL, TOKEN_ENCRYPTION_KEY: KEY })).toThrowError(
      /^HUBSPOT_OAUTH_REDIRECT_URL: required .*PUBLIC_URL/,
    );
    const c = loadHubSpotEdgeConfig({ ...oauth, DATABASE_URL: procEnv.DATABASE_URL, TOKEN_ENCRYPTION_KEY: KEY, PUBLIC_URL: 'https://x.ngrok.app' });
    expect(c.HUBSPOT_OAUTH_SCOPES).toEqual([
      'oauth',
      'crm.objects.contacts.read',
      'crm.objects.companies.read',
      'crm.objects.deals.read',
      'tickets',
      'e-commerce',
    ]);
    expect(c.HUBSPOT_OAUTH_OPTIONAL_SCOPES).toEqual([]);
  });

  it('require the secret and key on an OAuth processor and check the key format', () => {
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, HUBSPOT_CLIENT_ID: 'cid' })).toThrowError(/^HUBSPOT_CLIENT_SECRET: required/);
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, HUBSPOT_CLIENT_ID: 'cid', HUBSPOT_CLIENT_SECRET: 's', TOKEN_ENCRYPTION_KEY: 'short' })).toThrowError(
      /^TOKEN_ENCRYPTION_KEY: must be 32 bytes/,
    );
    const c = loadHubSpotProcessorConfig({
      ...procEnv,
      HUBSPOT_CLIENT_ID: 'cid',
      HUBSPOT_CLIENT_SECRET: 's',
      TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
      TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${KEY}, ${'b'.repeat(64)}`,
      HUBSPOT_PORTAL_ID: '62515',
    });
    expect(c.TOKEN_ENCRYPTION_PREVIOUS_KEYS).toHaveLength(2);
    expect(c.HUBSPOT_PORTAL_ID).toBe(62515);
  });
});
