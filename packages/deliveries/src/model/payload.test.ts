import { describe, expect, it } from 'vitest';
import { deliveryBody, type DeliverableEvent } from './payload.js';

const event: DeliverableEvent = {
  id: 9_007_199_254_740_991,
  provider: 'hubspot',
  source: 'acme-portal',
  type: 'deal.updated',
  occurredAt: Date.UTC(2024, 0, 2, 3, 4, 5, 678),
  receivedAt: Date.UTC(2024, 0, 2, 3, 4, 6, 0),
  raw: { objectId: 42, properties: { stage: 'won' } },
};

describe('deliveryBody', () => {
  it('has exactly the documented fields: string id, ISO dates, raw as data', () => {
    expect(deliveryBody(event)).toEqual({
      id: '9007199254740991',
      provider: 'hubspot',
      source: 'acme-portal',
      type: 'deal.updated',
      occurredAt: '2024-01-02T03:04:05.678Z',
      receivedAt: '2024-01-02T03:04:06.000Z',
      data: { objectId: 42, properties: { stage: 'won' } },
    });
    expect(Object.keys(deliveryBody(event)).sort()).toEqual(['data', 'id', 'occurredAt', 'provider', 'receivedAt', 'source', 'type']);
  });

  it('serialises the id as a JSON string', () => {
    const json = JSON.stringify(deliveryBody({ ...event, id: 7 }));
    expect(json).toContain('"id":"7"');
    expect(typeof (JSON.parse(json) as { id: unknown }).id).toBe('string');
  });

  it('keeps any JSON payload as data, including arrays and null', () => {
    expect(deliveryBody({ ...event, raw: [1, 2] }).data).toEqual([1, 2]);
    expect(deliveryBody({ ...event, raw: null }).data).toBeNull();
  });

  it('dates round-trip to the same epoch milliseconds', () => {
    const b = deliveryBody(event);
    expect(Date.parse(b.occurredAt)).toBe(event.occurredAt);
    expect(Date.parse(b.receivedAt)).toBe(event.receivedAt);
  });
});
