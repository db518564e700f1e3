import { describe, expect, it } from 'vitest';
import type { HubSpotEvent } from '../events.js';
import { actionOf, associationUpdatesFor, snapshotUpdate, stateUpdatesFor } from './state-updates.js';

const base: HubSpotEvent = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 3,
  occurredAt: 1_700_000_000_000,
  subscriptionType: 'contact.creation',
  attemptNumber: 0,
  objectId: 10,
};
const ref = { portalId: 3, objectType: 'contact', objectId: 10 };

describe('stateUpdatesFor', () => {
  it('maps legacy and generic subscription types to the same action', () => {
    expect(actionOf('contact.propertyChange')).toBe('propertyChange');
    expect(actionOf('object.propertyChange')).toBe('propertyChange');
  });

  it('turns each lifecycle event into updates stamped with occurredAt', () => {
    const at = base.occurredAt;
    expect(stateUpdatesFor(base, ref)[0]?.updates).toEqual([
      { kind: 'seen', at },
      { kind: 'created', at },
    ]);
    expect(stateUpdatesFor({ ...base, subscriptionType: 'deal.deletion' }, ref)[0]?.updates).toContainEqual({ kind: 'archived', archived: true, at });
    expect(stateUpdatesFor({ ...base, subscriptionType: 'object.restore', objectTypeId: '0-1' }, ref)[0]?.updates).toContainEqual({
      kind: 'archived',
      archived: false,
      at,
    });
    expect(
      stateUpdatesFor({ ...base, subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'a@b.c' }, ref)[0]?.updates,
    ).toContainEqual({ kind: 'property', name: 'email', value: 'a@b.c', at });
  });

  it('points merged-away ids at the primary object', () => {
    const out = stateUpdatesFor({ ...base, subscriptionType: 'contact.merge', primaryObjectId: 10, mergedObjectIds: [10, 11, 12] }, ref);
    expect(out.map((o) => o.ref.objectId)).toEqual([10, 11, 12]);
    expect(out[1]?.updates).toContainEqual({ kind: 'merged', into: 10, at: base.occurredAt });
  });

  it('records the survivor of a merge that created a new record, the primary merged away into it', () => {
    const out = stateUpdatesFor({ ...base, subscriptionType: 'company.merge', primaryObjectId: 10, mergedObjectIds: [11], newObjectId: 20 }, ref);
    const byId = new Map(out.map((o) => [o.ref.objectId, o.updates]));
    expect(byId.get(20)).toContainEqual({ kind: 'absorbed', ids: [10, 11], at: base.occurredAt });
    expect(byId.get(10)).toContainEqual({ kind: 'merged', into: 20, at: base.occurredAt });
    expect(byId.get(11)).toContainEqual({ kind: 'merged', into: 20, at: base.occurredAt });
  });

  it('tombstones on privacyDeletion (contact and conversation) and only marks unknown types as seen', () => {
    const at = base.occurredAt;
    for (const t of ['contact.privacyDeletion', 'conversation.privacyDeletion']) {
      expect(stateUpdatesFor({ ...base, subscriptionType: t }, ref)[0]?.updates).toEqual([
        { kind: 'seen', at },
        { kind: 'privacyDeleted', at },
        { kind: 'archived', archived: true, at },
      ]);
    }
    for (const t of ['contact.somethingNew', 'event.completed', 'company.privacyDeletion', 'object.privacyDeletion']) {
      expect(stateUpdatesFor({ ...base, subscriptionType: t, propertyName: 'email', propertyValue: 'x' }, ref)).toEqual([
        { ref, updates: [{ kind: 'seen', at }] },
      ]);
    }
  });

  it('turns associationChange events into association updates, other types into none', () => {
    const legacy = {
      ...base,
      subscriptionType: 'contact.associationChange',
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: 10,
      toObjectId: 99,
      associationRemoved: true,
      isPrimaryAssociation: false,
    };
    expect(associationUpdatesFor(legacy)).toEqual([
      {
        portalId: 3,
        fromObjectType: 'contact',
        fromObjectId: 10,
        toObjectType: 'company',
        toObjectId: 99,
        associationType: 'CONTACT_TO_COMPANY',
        isPrimary: false,
        removed: true,
        at: base.occurredAt,
      },
      {
        portalId: 3,
        fromObjectType: 'company',
        fromObjectId: 99,
        toObjectType: 'contact',
        toObjectId: 10,
        associationType: 'COMPANY_TO_CONTACT',
        isPrimary: false,
        removed: true,
        at: base.occurredAt,
      },
    ]);
    expect(associationUpdatesFor({ ...legacy, subscriptionType: 'contact.somethingNew' })).toEqual([]);
    expect(associationUpdatesFor({ ...legacy, subscriptionType: 'contact.creation' })).toEqual([]);
  });

  it('versions a snapshot by HubSpot updatedAt, falling back to the read time', () => {
    const u = snapshotUpdate(
      { id: '10', properties: { email: 'x' }, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-02T00:00:00Z', archived: false },
      5,
    );
    expect(u).toEqual({
      kind: 'snapshot',
      properties: { email: 'x' },
      at: Date.parse('2026-01-02T00:00:00Z'),
      createdAt: Date.parse('2026-01-01T00:00:00Z'),
      archived: false,
    });
    expect(snapshotUpdate({ id: '10', properties: {} }, 5)).toMatchObject({ at: 5 });
  });
});
