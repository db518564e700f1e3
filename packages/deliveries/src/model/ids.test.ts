import { describe, expect, it } from 'vitest';
import { ENDPOINT_ID, newEndpointId, parseWebhookId, webhookId } from './ids.js';

describe('newEndpointId', () => {
  it('is ep_ and 26 base32 characters (a-z, 2-7)', () => {
    for (let i = 0; i < 200; i++) expect(newEndpointId()).toMatch(/^ep_[a-z2-7]{26}$/);
  });

  it('passes the ENDPOINT_ID pattern', () => {
    for (let i = 0; i < 50; i++) expect(ENDPOINT_ID.test(newEndpointId())).toBe(true);
  });

  it('is unique', () => {
    const ids = new Set(Array.from({ length: 5000 }, () => newEndpointId()));
    expect(ids.size).toBe(5000);
  });

  it('uses the whole alphabet (every character is reachable)', () => {
    const seen = new Set(
      Array.from({ length: 400 }, () => newEndpointId().slice(3))
        .join('')
        .split(''),
    );
    expect(seen.size).toBe(32);
  });
});

describe('ENDPOINT_ID', () => {
  it.each(['ep_orders', 'ep_a', 'ep_crm-sync_2', `ep_${'a'.repeat(36)}`])('accepts %j', (id) => {
    expect(ENDPOINT_ID.test(id)).toBe(true);
  });

  it.each(['ep_', 'orders', 'EP_orders', 'ep_Orders', 'ep_a.b', 'ep_a b', `ep_${'a'.repeat(37)}`, ' ep_a', 'ep_a\n', 'ep_ä', 'xep_a'])('refuses %j', (id) => {
    expect(ENDPOINT_ID.test(id)).toBe(false);
  });
});

describe('webhookId and parseWebhookId', () => {
  it('is msg_<event>_<endpoint without ep_>', () => {
    expect(webhookId(12, 'ep_orders')).toBe('msg_12_orders');
    expect(webhookId(0, 'ep_a')).toBe('msg_0_a');
  });

  it('is the same for the same event and endpoint, and different otherwise', () => {
    expect(webhookId(5, 'ep_a')).toBe(webhookId(5, 'ep_a'));
    expect(webhookId(5, 'ep_a')).not.toBe(webhookId(5, 'ep_b'));
    expect(webhookId(5, 'ep_a')).not.toBe(webhookId(6, 'ep_a'));
    // The first underscore after the digits separates: ids with underscores and digits do not collide.
    expect(webhookId(1, 'ep_2_x')).not.toBe(webhookId(12, 'ep_x'));
  });

  it('round-trips', () => {
    const generated = newEndpointId();
    for (const [eventId, endpointId] of [
      [1, 'ep_orders'],
      [123456789, 'ep_crm-sync_2'],
      [1, 'ep_2_x'],
      [Number.MAX_SAFE_INTEGER, generated],
      [0, `ep_${'z'.repeat(36)}`],
    ] as const) {
      expect(parseWebhookId(webhookId(eventId, endpointId))).toEqual({ eventId, endpointId });
    }
  });

  it.each([
    'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'msg_12',
    'msg_12_',
    'msg__orders',
    'msg_-1_orders',
    'msg_1.5_orders',
    'evt_12_orders',
    'msg_12_Orders',
    'msg_12_a.b',
    ' msg_12_orders',
    'msg_12_orders\n',
    `msg_12_${'a'.repeat(37)}`,
    'msg_123456789012345678901_a',
    '',
  ])('refuses the foreign id %j', (id) => {
    expect(parseWebhookId(id)).toBeNull();
  });

  it('refuses event ids past the safe integer range', () => {
    expect(parseWebhookId(`msg_${Number.MAX_SAFE_INTEGER + 1}_a`)).toBeNull();
    expect(parseWebhookId('msg_99999999999999999999_a')).toBeNull();
  });
});
