import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWebhookBatch, verifySignature, type HubSpotEvent } from '@hookstream/hubspot';
import { createTrafficGenerator, type DeliveryAnswer } from './generator.js';
import { neverAcknowledged, refusedOnly } from './ledger.js';
import { createRandom } from './random.js';
import { createWorkload, eventKeyOf } from './workload.js';

const SECRET = 'generator-test-secret';

/** A minimal edge: verifies v3 and validates like the real one; pushes back on the first good request (429, Retry-After 1), fails the next `failFirst - 1` with 503. */
function fakeEdge(failFirst: number) {
  const received: Array<{ status: number; events: HubSpotEvent[] }> = [];
  let good = 0;
  let url = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const answer = (status: number, events: HubSpotEvent[] = []) => {
        received.push({ status, events });
        res.writeHead(status, { 'content-type': 'application/json', ...(status === 429 ? { 'retry-after': '1' } : {}) }).end('{}');
      };
      const sig = verifySignature({ rawBody, method: 'POST', url, headers: req.headers, clientSecret: SECRET, nowMs: Date.now() });
      if (!sig.ok) return answer(401);
      const parsed = parseWebhookBatch(JSON.parse(rawBody.toString('utf8')), { maxEvents: 1000 });
      if (!parsed.ok) return answer(400);
      good += 1;
      return answer(good === 1 ? 429 : good <= failFirst ? 503 : 200, parsed.events);
    });
  });
  return {
    received,
    async listen() {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/hubspot`;
      return url;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('createWorkload', () => {
  it('never repeats a unique key, spreads occurredAt backwards and seeds snapshots', () => {
    const now = 1_800_000_000_000;
    const w = createWorkload({ portalId: 1, random: createRandom(7), now: () => now, outOfOrderMs: 60_000 });
    const events = Array.from({ length: 5_000 }, () => w.next());
    expect(new Set(events.map(eventKeyOf)).size).toBe(5_000);
    expect(Math.min(...events.map((e) => e.occurredAt))).toBeGreaterThanOrEqual(now - 60_000);
    expect(new Set(events.map((e) => e.subscriptionType.split('.')[1])).size).toBe(4);
    expect(events.some((e) => e.objectTypeId === '0-1')).toBe(true);
    // Some events share an eventId (for different objects), as HubSpot allows.
    expect(new Set(events.map((e) => e.eventId)).size).toBeLessThan(5_000);
    const obj = w.objects[0];
    expect(obj && w.snapshotOf(obj).updatedAt).toBe('2025-06-01T00:00:00.000Z');
  });

  it('is reproducible from its seed', () => {
    const a = createWorkload({ portalId: 1, random: createRandom(42), now: () => 0 });
    const b = createWorkload({ portalId: 1, random: createRandom(42), now: () => 0 });
    expect(Array.from({ length: 50 }, () => a.next())).toEqual(Array.from({ length: 50 }, () => b.next()));
  });
});

describe('createTrafficGenerator', () => {
  const edge = fakeEdge(3);
  let url: string;
  beforeAll(async () => {
    url = await edge.listen();
  });
  afterAll(() => edge.close());

  it('records acknowledged and refused events, retries 429s and 503s with attemptNumber + 1, and posts duplicates', async () => {
    const random = createRandom(1);
    const gen = createTrafficGenerator({
      url,
      secret: SECRET,
      random,
      workload: createWorkload({ portalId: 9, random }),
      requestsPerSecond: 100,
      badRate: 0.2,
      repostRate: 0.2,
      inBatchDuplicateRate: 0.5,
      retryBaseMs: 50,
    });
    gen.start();
    await new Promise((r) => setTimeout(r, 800));
    await gen.stop();
    expect(await gen.drainRetries(10_000)).toBe(0);
    const l = gen.ledger;

    expect(l.requests.get('429')).toBe(1);
    expect(l.requests.get('503')).toBe(2);
    expect(l.requests.get('401')).toBeGreaterThan(0);
    expect(l.requests.get('400')).toBeGreaterThan(0);
    expect(l.unexpectedRefusals).toBe(0);
    expect(l.unexpectedAcceptances).toBe(0);
    // Every 503'd event was acknowledged by a retry.
    expect(neverAcknowledged(l).size).toBe(0);
    expect(l.unacknowledged.size).toBeGreaterThan(0);
    // Refused events are fresh: never sent in an acknowledged request.
    expect(refusedOnly(l).size).toBe(l.refused.size);
    expect(l.duplicateCopies).toBeGreaterThan(0);

    const acceptedCopies = edge.received.filter((r) => r.status === 200).flatMap((r) => r.events);
    expect(new Set(acceptedCopies.map(eventKeyOf))).toEqual(l.acknowledged);
    expect(acceptedCopies.length).toBeGreaterThan(l.acknowledged.size);
    const failedKeys = new Set(edge.received.filter((r) => r.status === 503 || r.status === 429).flatMap((r) => r.events.map(eventKeyOf)));
    const retried = acceptedCopies.filter((e) => failedKeys.has(eventKeyOf(e)));
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((e) => e.attemptNumber >= 1)).toBe(true);
  });
  it('reports every answer with its timing, outcome and attempt, matching the ledger', async () => {
    const answers: DeliveryAnswer[] = [];
    const random = createRandom(2);
    const slow = fakeEdge(3);
    const slowUrl = await slow.listen();
    try {
      const gen = createTrafficGenerator({
        url: slowUrl,
        secret: SECRET,
        random,
        workload: createWorkload({ portalId: 10, random }),
        requestsPerSecond: 50,
        badRate: 0.2,
        retryBaseMs: 50,
        onAnswer: (a) => answers.push(a),
      });
      gen.start();
      await new Promise((r) => setTimeout(r, 500));
      await gen.stop();
      await gen.drainRetries(10_000);
      const counted = [...gen.ledger.requests.values()].reduce((a, b) => a + b, 0);
      expect(answers.length).toBe(counted);
      expect(answers.filter((a) => a.label === '503').map((a) => a.outcome)).toEqual(['unacknowledged', 'unacknowledged']);
      expect(answers.filter((a) => a.label === '401' || a.label === '400').every((a) => a.outcome === 'refused')).toBe(true);
      expect(answers.filter((a) => a.outcome === 'acknowledged').length).toBe(gen.ledger.requests.get('200'));
      // The 429 and both 503s were retried: three answers to attempts after the first.
      expect(answers.filter((a) => a.attempt > 0).length).toBe(3);
      expect(answers.every((a) => a.answeredAt >= a.sentAt && a.events > 0)).toBe(true);
    } finally {
      await slow.close();
    }
  });
});
