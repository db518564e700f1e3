import { describe, expect, it } from 'vitest';
import { ConfigError, loadEdgeConfig, loadProcessorConfig } from './index.js';

const edgeEnv = { KAFKA_BROKERS: 'localhost:9092', HUBSPOT_CLIENT_SECRET: 's3cret' };
const procEnv = { KAFKA_BROKERS: 'a:1,b:2', DATABASE_URL: 'mysql://root:@127.0.0.1:3306/hookstream' };

describe('config', () => {
  it('applies defaults and freezes the edge config', () => {
    const c = loadEdgeConfig(edgeEnv);
    expect(c.PORT).toBe(8080);
    expect(c.KAFKA_BROKERS).toEqual(['localhost:9092']);
    expect(c.EDGE_PRODUCE_TIMEOUT_MS).toBeLessThan(5000);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('names the missing setting in one line', () => {
    expect(() => loadEdgeConfig({ HUBSPOT_CLIENT_SECRET: 'x' })).toThrowError(/^KAFKA_BROKERS: required/);
    expect(() => loadEdgeConfig({ HUBSPOT_CLIENT_SECRET: 'x' })).toThrowError(ConfigError);
    // HubSpot's secret is HubSpot's setting: the edge alone does not need it.
    expect(loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', PROVIDERS: 'sources' }).PROVIDERS).toEqual(['sources']);
    expect(loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' }).PROVIDERS).toEqual(['hubspot']);
    expect(() => loadEdgeConfig({ KAFKA_BROKERS: 'localhost:9092', PROVIDERS: 'Hub Spot' })).toThrowError(/^PROVIDERS\.0: each provider/);
  });

  it('rejects malformed values with the setting name', () => {
    expect(() => loadEdgeConfig({ ...edgeEnv, PORT: 'eighty' })).toThrowError(/^PORT: /);
    expect(() => loadEdgeConfig({ ...edgeEnv, KAFKA_BROKERS: 'nohostport' })).toThrowError(/^KAFKA_BROKERS/);
    expect(() => loadEdgeConfig({ ...edgeEnv, PUBLIC_URL: 'ftp://x' })).toThrowError(/^PUBLIC_URL: must be an http/);
    expect(() => loadProcessorConfig({ ...procEnv, DATABASE_URL: 'postgres://x/y' })).toThrowError(/^DATABASE_URL: /);
  });

  it('treats empty strings as unset', () => {
    expect(loadEdgeConfig({ ...edgeEnv, PUBLIC_URL: '' }).PUBLIC_URL).toBeUndefined();
  });

  it('merges enrichment properties over the defaults', () => {
    const c = loadProcessorConfig({ ...procEnv, HUBSPOT_ENRICH_PROPERTIES: 'contact=email,firstname;2-123=foo' });
    expect(c.HUBSPOT_ENRICH_PROPERTIES.contact).toEqual(['email', 'firstname']);
    expect(c.HUBSPOT_ENRICH_PROPERTIES['2-123']).toEqual(['foo']);
    expect(c.HUBSPOT_ENRICH_PROPERTIES.deal).toContain('dealstage');
    expect(() => loadProcessorConfig({ ...procEnv, HUBSPOT_ENRICH_PROPERTIES: 'contact' })).toThrowError(/^HUBSPOT_ENRICH_PROPERTIES: /);
  });
});
