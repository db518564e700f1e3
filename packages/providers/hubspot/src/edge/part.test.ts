import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hookstream/config';
import { createLogger } from '@hookstream/observability';
import { hubspotProvider } from '../provider.js';
import { loadHubSpotEdgeConfig } from '../settings/edge.js';
import { hubspotEdgePart } from './part.js';

const log = createLogger({ name: 'hubspot-edge-part', level: 'silent' });
const ctx = (env: Record<string, string>) => ({ env, log, now: Date.now, registry: undefined as never });

describe('HubSpot edge part', () => {
  it('requires the client secret only where HubSpot runs, naming the setting in one line', () => {
    expect(() => loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'localhost:9092' })).toThrowError(ConfigError);
    expect(() => hubspotProvider.edge?.(ctx({ KAFKA_BROKERS: 'localhost:9092' }))).toThrowError(/^HUBSPOT_CLIENT_SECRET: required/);
  });

  it('serves the signed webhook route on its topic, and OAuth only with HUBSPOT_CLIENT_ID', () => {
    const plain = hubspotEdgePart(loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'k:1', HUBSPOT_CLIENT_SECRET: 'secret-0123456789', KAFKA_TOPIC: 'hs.x' }), log);
    expect(plain.routes.map((r) => r.url)).toEqual(['/webhooks/hubspot']);
    expect(plain.topics).toEqual(['hs.x']);
    expect(plain.plugins).toEqual([]);
    const oauth = hubspotEdgePart(
      loadHubSpotEdgeConfig({
        KAFKA_BROKERS: 'k:1',
        HUBSPOT_CLIENT_SECRET: 's',
        HUBSPOT_CLIENT_ID: 'cid',
        DATABASE_URL: 'mysql://r@h/db',
        TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
        PUBLIC_URL: 'https://x.io',
      }),
      log,
    );
    expect(oauth.plugins).toHaveLength(1);
    expect(oauth.describe?.('https://x.io')).toMatchObject({ hubspot: 'https://x.io/webhooks/hubspot', oauthInstall: 'https://x.io/oauth/install' });
  });

  it("reads the OAuth pool's DATABASE_SSL files at start-up: a missing CA file stops it naming the setting, not the first install", () => {
    const env = {
      KAFKA_BROKERS: 'k:1',
      HUBSPOT_CLIENT_SECRET: 's',
      HUBSPOT_CLIENT_ID: 'cid',
      DATABASE_URL: 'mysql://r@h/db',
      TOKEN_ENCRYPTION_KEY: 'a'.repeat(64),
      PUBLIC_URL: 'https://x.io',
    };
    const tls = { ...env, DATABASE_SSL: 'verify-ca', DATABASE_SSL_CA_FILE: '/nonexistent/ca.pem' };
    expect(() => hubspotEdgePart(loadHubSpotEdgeConfig(tls), log)).toThrowError(/^DATABASE_SSL_CA_FILE: /);
    expect(() => loadHubSpotEdgeConfig({ ...env, DATABASE_SSL: 'sometimes' })).toThrowError(
      /DATABASE_SSL: must be one of off, require, verify-ca, verify-full/,
    );
    // Without OAuth the pool never opens, so its TLS files are not read.
    expect(hubspotEdgePart(loadHubSpotEdgeConfig({ KAFKA_BROKERS: 'k:1', HUBSPOT_CLIENT_SECRET: 's', DATABASE_SSL: 'require' }), log).plugins).toEqual([]);
  });

  it('names the headers that carry its signatures and the settings paths of its secrets for redaction', () => {
    expect(hubspotProvider.redact?.({})).toEqual({
      headers: ['x-hubspot-signature', 'x-hubspot-signature-v3'],
      paths: ['config.HUBSPOT_CLIENT_SECRET', 'config.HUBSPOT_ACCESS_TOKEN'],
    });
  });
});
