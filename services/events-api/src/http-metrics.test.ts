import { describe, expect, it } from 'vitest';
import { createLogger, createRegistry } from '@hookstream/observability';
import { buildApp } from './app.js';
import { createFakeReader, fakeHubSpotApi, storedEvent } from './testing/fake-reader.js';

const TOKEN = 'tok_metrics_aaaaaaaaaa';

describe('events-api metrics', () => {
  it('counts replies by route pattern, method and status, and times them, on GET /metrics', async () => {
    const registry = createRegistry('events-api', false);
    const app = await buildApp({
      config: { EVENTS_API_TOKENS: [TOKEN] },
      ...fakeHubSpotApi(createFakeReader([storedEvent({ id: 7, occurredAt: 1_700_000_000_000 })])),
      log: createLogger({ name: 'test', level: 'silent' }),
      ready: async () => true,
      registry,
    });
    try {
      const auth = { authorization: `Bearer ${TOKEN}` };
      expect((await app.inject({ method: 'GET', url: '/events?limit=5', headers: auth })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/events?limit=5', headers: auth })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/events', headers: { authorization: 'Bearer wrong-token-000000' } })).statusCode).toBe(401);
      expect((await app.inject({ method: 'GET', url: '/no-such-route/123456', headers: auth })).statusCode).toBe(404);
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      const text = res.body;
      expect(text).toMatch(/hookstream_events_api_http_requests_total\{route="\/events",method="GET",status="200"[^}]*\} 2/);
      expect(text).toMatch(/hookstream_events_api_http_requests_total\{route="\/events",method="GET",status="401"[^}]*\} 1/);
      // Route patterns only: a path no route matched is "unmatched", never the path itself.
      expect(text).toMatch(/route="unmatched",method="GET",status="404"/);
      expect(text).not.toContain('123456');
      expect(text).toMatch(/hookstream_events_api_http_request_seconds_count\{[^}]*route="\/events"\} 3/);
    } finally {
      await app.close();
    }
  });
});
