import { describe, expect, it } from 'vitest';
import { ConfigError, loadEdgeConfig, loadProcessorConfig } from './index.js';

// The hosts' own settings; HubSpot's are tested with its schemas (packages/providers/hubspot/src/settings).
const edgeEnv = { KAFKA_BROKERS: 'localhost:9092' };
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

  it("keeps no provider setting: those are the providers' own", () => {
    const edge = loadEdgeConfig({ ...edgeEnv, HUBSPOT_CLIENT_SECRET: 's3cret', KAFKA_TOPIC: 'hs.x', DATABASE_URL: procEnv.DATABASE_URL });
    expect(Object.keys(edge).filter((k) => k.startsWith('HUBSPOT_') || k === 'KAFKA_TOPIC' || k.startsWith('DATABASE_'))).toEqual([]);
    const proc = loadProcessorConfig({ ...procEnv, HUBSPOT_ACCESS_TOKEN: 't', KAFKA_GROUP_ID: 'g' });
    expect(
      Object.keys(proc).filter(
        (k) => k.startsWith('HUBSPOT_') || k.startsWith('ENRICH_') || k.startsWith('TOKEN_') || /^KAFKA_(TOPIC|DLQ_TOPIC|RETRY_TOPIC|GROUP_ID)$/.test(k),
      ),
    ).toEqual([]);
  });
});
