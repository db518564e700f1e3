import { describe, expect, it } from 'vitest';
import { ConfigError, loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import { loadHubSpotEdgeConfig } from './edge.js';
import { loadHubSpotProcessorConfig } from './processor.js';
import { loadSubscriptionsCliConfig } from './subscriptions-cli.js';

const edgeEnv = { KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: 's3cret' };
const procEnv = { KAFKA_BROKERS: 'a:1,b:2', DATABASE_URL: 'mysql://root:@127.0.0.1:3306/hookstream' };

describe('HubSpot settings', () => {
  it("extend the hosts' settings: same values for the shared keys, HubSpot's defaults for its own", () => {
    const e = loadHubSpotEdgeConfig(edgeEnv);
    const {
      HUBSPOT_CLIENT_SECRET: _secret,
      KAFKA_TOPIC,
      EDGE_MAX_EVENTS,
      DATABASE_POOL_SIZE,
      DATABASE_SSL,
      HUBSPOT_API_BASE_URL,
      HUBSPOT_OAUTH_AUTHORIZE_URL,
      HUBSPOT_OAUTH_SCOPES: _s,
      HUBSPOT_OAUTH_OPTIONAL_SCOPES: _o,
      ...shared
    } = e;
    expect(shared).toEqual({ ...loadEdgeConfig(edgeEnv) });
    expect([KAFKA_TOPIC, EDGE_MAX_EVENTS, DATABASE_POOL_SIZE, DATABASE_SSL, HUBSPOT_API_BASE_URL, HUBSPOT_OAUTH_AUTHORIZE_URL]).toEqual([
      'hubspot.events',
      1000,
      2,
      'off',
      'https://api.hubapi.com',
      'https://app.hubspot.com/oauth/authorize',
    ]);
    expect(Object.isFrozen(e)).toBe(true);
    const p = loadHubSpotProcessorConfig(procEnv);
    expect(p).toMatchObject({
      ...loadProcessorConfig(procEnv),
      KAFKA_TOPIC: 'hubspot.events',
      KAFKA_DLQ_TOPIC: 'hubspot.events.dlq',
      KAFKA_GROUP_ID: 'hookstream-processor',
      DATABASE_POOL_SIZE: 10,
      HUBSPOT_ENRICH: true,
      HUBSPOT_MAX_REQUESTS_PER_10S: 100,
    });
    expect(p.KAFKA_RETRY_TOPIC).toBeUndefined();
  });

  it('require the client secret where HubSpot runs, naming the setting in one line', () => {
    expect(() => loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' })).toThrowError(ConfigError);
    expect(() => loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: '' })).toThrowError(
      /^HUBSPOT_CLIENT_SECRET: required \(the app client secret that signs HubSpot webhooks\)$/,
    );
    // The host's own settings are still checked first.
    expect(() => loadHubSpotEdgeConfig({ HUBSPOT_CLIENT_SECRET: 'x' })).toThrowError(/^KAFKA_BROKERS: required/);
  });

  it('reject malformed values with the setting name', () => {
    expect(() => loadHubSpotEdgeConfig({ ...edgeEnv, PUBLIC_URL: 'ftp://x' })).toThrowError(/^PUBLIC_URL: must be an http/);
    expect(() => loadHubSpotEdgeConfig({ ...edgeEnv, KAFKA_TOPIC: 'no spaces' })).toThrowError(/^KAFKA_TOPIC: must be a valid Kafka topic name/);
    expect(() => loadHubSpotEdgeConfig({ ...edgeEnv, EDGE_MAX_EVENTS: '0' })).toThrowError(/^EDGE_MAX_EVENTS: must be a positive integer/);
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, DATABASE_URL: 'postgres://x/y' })).toThrowError(/^DATABASE_URL: /);
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, KAFKA_RETRY_TOPIC: 'a/b' })).toThrowError(/^KAFKA_RETRY_TOPIC: must be a valid Kafka topic name/);
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, HUBSPOT_PORTAL_ID: 'x' })).toThrowError(/^HUBSPOT_PORTAL_ID: must be a HubSpot portal id/);
  });

  it('treat empty strings as unset', () => {
    expect(loadHubSpotEdgeConfig({ ...edgeEnv, PUBLIC_URL: '' }).PUBLIC_URL).toBeUndefined();
  });

  it('merge enrichment properties over the defaults', () => {
    const c = loadHubSpotProcessorConfig({ ...procEnv, HUBSPOT_ENRICH_PROPERTIES: 'contact=email,firstname;2-123=foo' });
    expect(c.HUBSPOT_ENRICH_PROPERTIES.contact).toEqual(['email', 'firstname']);
    expect(c.HUBSPOT_ENRICH_PROPERTIES['2-123']).toEqual(['foo']);
    expect(c.HUBSPOT_ENRICH_PROPERTIES.deal).toContain('dealstage');
    expect(() => loadHubSpotProcessorConfig({ ...procEnv, HUBSPOT_ENRICH_PROPERTIES: 'contact' })).toThrowError(/^HUBSPOT_ENRICH_PROPERTIES: /);
  });

  it('give the subscriptions commands their developer key, named when missing', () => {
    expect(() => loadSubscriptionsCliConfig({})).toThrowError(/^HUBSPOT_DEVELOPER_API_KEY: required \(the developer account API key/);
    expect(loadSubscriptionsCliConfig({ HUBSPOT_DEVELOPER_API_KEY: 'k', HUBSPOT_APP_ID: '7' })).toMatchObject({
      HUBSPOT_APP_ID: 7,
      HUBSPOT_API_BASE_URL: 'https://api.hubapi.com',
    });
  });
});
