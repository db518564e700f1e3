import { describe, expect, it } from 'vitest';
import { parseWebhookBatch, verifySignature } from '@hookstream/hubspot';
import { signedDelivery } from './delivery.js';
import { sampleBatch, sampleEvent } from './samples.js';

const SECRET = 'test-secret-0123456789';
const URL_ = 'https://hooks.example.com/webhooks/hubspot';

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('signedDelivery', () => {
  it.each(['v1', 'v2', 'v3'] as const)('signs a compact body that verifies with %s', (version) => {
    const events = sampleBatch(3);
    const ts = 1_700_000_000_000;
    const d = signedDelivery({ secret: SECRET, url: URL_, events, version, timestamp: ts });
    expect(d.body).toBe(JSON.stringify(events));
    expect(d.headers['Content-Type']).toBe('application/json');
    const res = verifySignature({ rawBody: Buffer.from(d.body), method: 'POST', url: URL_, headers: lower(d.headers), clientSecret: SECRET, nowMs: ts });
    expect(res).toEqual({ ok: true, version });
  });

  it('defaults to v3 stamped now', () => {
    const before = Date.now();
    const d = signedDelivery({ secret: SECRET, url: URL_, events: [sampleEvent()] });
    expect(Number(d.headers['X-HubSpot-Request-Timestamp'])).toBeGreaterThanOrEqual(before);
    expect(d.headers['X-HubSpot-Signature-v3']).toBeDefined();
  });
});

describe('samples', () => {
  it('sampleBatch yields valid, distinct, realistic events', () => {
    const events = sampleBatch(9, { portalId: 42 });
    const parsed = parseWebhookBatch(JSON.parse(JSON.stringify(events)), { maxEvents: 100 });
    expect(parsed.ok).toBe(true);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(9);
    expect(events.every((e) => e.portalId === 42)).toBe(true);
    expect(events.map((e) => e.subscriptionType).slice(0, 3)).toEqual(['contact.creation', 'contact.propertyChange', 'deal.creation']);
    const change = events[1];
    expect(change?.propertyName).toBe('firstname');
    expect(typeof change?.propertyValue).toBe('string');
    expect(change?.changeFlag).toBeUndefined();
    expect(change?.objectId).toBe(events[0]?.objectId);
    expect(events.filter((e) => e.subscriptionType === 'deal.creation').every((e) => e.objectId > 2 ** 31)).toBe(true);
  });

  it('sampleEvent applies overrides', () => {
    const e = sampleEvent({ subscriptionType: 'company.deletion', objectId: 5 });
    expect(e).toMatchObject({ subscriptionType: 'company.deletion', objectId: 5, attemptNumber: 0 });
    expect(parseWebhookBatch([e], { maxEvents: 1 }).ok).toBe(true);
  });
});
