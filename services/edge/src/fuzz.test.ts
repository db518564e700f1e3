import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '@hookstream/kafka';
import { hubspotEdgePart, loadHubSpotEdgeConfig } from '@hookstream/hubspot';
import { createLogger } from '@hookstream/observability';
import { webhookFuzzCase } from '@hookstream/testkit';
import { buildEdgeApp } from './app.js';
import type { EventPublisher } from './publisher.js';

const SECRET = 'fuzz-client-secret-0000';
const PUBLIC = 'https://hooks.example.com';
const NOW = 1_769_081_994_066;
const BODY_LIMIT = 64 * 1024;
const MAX_EVENTS = 50;
const RUNS = 2000;

class RecordingPublisher implements EventPublisher {
  batches: OutboundMessage[][] = [];
  async publish(_topic: string, messages: readonly OutboundMessage[]) {
    this.batches.push([...messages]);
  }
  ready() {
    return true;
  }
}

/**
 * Property: no malformed, truncated, nested, huge, wrongly typed, non-UTF-8 or tampered
 * request is ever accepted or crashes the edge. Each gets its expected 4xx with a JSON
 * `{ code, message }`, and nothing reaches Kafka.
 */
describe('edge fuzz (fast-check, inject)', () => {
  it(`answers ${RUNS} generated bad requests with the right 4xx and publishes nothing`, async ({ annotate }) => {
    const config = loadHubSpotEdgeConfig({
      KAFKA_BROKERS: 'localhost:9092',
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_URL: PUBLIC,
      EDGE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      EDGE_MAX_EVENTS: String(MAX_EVENTS),
    });
    const publisher = new RecordingPublisher();
    const log = createLogger({ name: 'edge-fuzz', level: 'silent' });
    const app = await buildEdgeApp({ config, publisher, log, now: () => NOW, parts: [{ provider: 'hubspot', part: hubspotEdgePart(config, log, () => NOW) }] });
    const byKind = new Map<string, number>();
    const byStatus = new Map<number, number>();
    try {
      await fc.assert(
        fc.asyncProperty(
          webhookFuzzCase({ secret: SECRET, url: `${PUBLIC}/webhooks/hubspot`, now: () => NOW, bodyLimit: BODY_LIMIT, maxEvents: MAX_EVENTS }),
          async (c) => {
            const res = await app.inject({ method: c.method, url: c.path, headers: c.headers, payload: c.body });
            byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
            byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
            expect(c.expected, `${c.kind}: ${res.body.slice(0, 300)}`).toContain(res.statusCode);
            const body = res.json() as { code?: unknown; message?: unknown };
            expect(typeof body.code).toBe('string');
            expect(typeof body.message === 'string' && body.message.length > 0).toBe(true);
            expect(publisher.batches).toHaveLength(0);
          },
        ),
        { numRuns: RUNS },
      );
      // The edge still works: a valid delivery after all that is accepted.
      expect((await app.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
    const total = [...byKind.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(RUNS);
    await annotate(
      `${total} cases: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}; statuses ${[...byStatus]
        .sort()
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
    );
    // Generous: the cases are checked one by one, and a loaded 2-core machine runs them slowly; nothing here is about speed.
  }, 60_000);
});
