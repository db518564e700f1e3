import { describe, expect, it } from 'vitest';
import type { HubSpotEvent } from '@hookstream/hubspot';
import { actionOf, snapshotUpdate, stateUpdatesFor } from './state-updates.js';

const base: HubSpotEvent = { eventId: 1, subscriptionId: 2, portalId: 3, occurredAt: 1_700_000_000_000, subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 10 };
const ref = { portalId: 3, objectType: 'contact', objectId: 10 };

describe('stateUpdatesFor', () => {
  it('maps legacy and generic subscription types to the same action', () => {
    expect(actionOf('contact.propertyChange')).toBe('propertyChange');
    expect(actionOf('object.propertyChange')).toBe('propertyChange');
  });

  it('turns each lifecycle event into updates stamped with occurredAt', () => {
    const at = base.occurredAt;
    expect(stateUpdatesFor(base, ref)[0]?.updates).toEqual([{ kind: 'seen', at }, { kind: 'created', at }]);
    expect(stateUpdatesFor({ ...base, subscriptionType: 'deal.deletion' }, ref)[0]?.updates).toContainEqual({ kind: 'archived', archived: true, at });
    expect(stateUpdatesFor({ ...base, subscriptionType: 'object.restore', objectTypeId: '0-1' }, ref)[0]?.updates).toContainEqual({ kind: 'archived', archived: false, at });
    expect(stateUpdatesFor({ ...base, subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'a@b.c' }, ref)[0]?.updates).toContainEqual({ kind: 'property', name: 'email', value: 'a@b.c', at });
  });

  it('points merged-away ids at the primary object', () => {
    const out = stateUpdatesFor({ ...base, subscriptionType: 'contact.merge', primaryObjectId: 10, mergedObjectIds: [10, 11, 12] }, ref);
    expect(out.map((o) => o.ref.objectId)).toEqual([10, 11, 12]);
    expect(out[1]?.updates).toContainEqual({ kind: 'merged', into: 10, at: base.occurredAt });
  });

  it('versions a snapshot by HubSpot updatedAt, falling back to the read time', () => {
    const u = snapshotUpdate({ id: '10', properties: { email: 'x' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', archived: false }, 5);
    expect(u).toEqual({ kind: 'snapshot', properties: { email: 'x' }, at: Date.parse('2026-01-02T00:00:00Z'), createdAt: Date.parse('2026-01-01T00:00:00Z'), archived: false });
    expect(snapshotUpdate({ id: '10', properties: {} }, 5)).toMatchObject({ at: 5 });
  });
});
