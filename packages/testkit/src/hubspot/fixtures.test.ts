import { describe, expect, it } from 'vitest';
import {
  classifySubscriptionType,
  GENERIC_ACTIONS,
  KNOWN_SUBSCRIPTION_TYPES,
  objectTypeOf,
  parseWebhookBatch,
  STANDARD_OBJECT_TYPE_IDS,
} from '@hookstream/hubspot';
import { hubspotFixture, hubspotFixtureNames, hubspotFixtures } from './fixtures.js';

/** Unknown types that must have a fixture too: they are stored raw and counted, never rejected. */
const UNKNOWN_EXAMPLES = ['contact.somethingNew', 'event.completed'];

describe('HubSpot fixtures: coverage by subscription type', () => {
  const names = hubspotFixtureNames();

  it('has a fixture for every known subscription type and for the unknown examples, and nothing else', () => {
    const missing = KNOWN_SUBSCRIPTION_TYPES.filter((t) => !names.includes(t));
    expect(missing, `subscription types without a fixture: ${missing.join(', ')}`).toEqual([]);
    expect(names.filter((n) => !KNOWN_SUBSCRIPTION_TYPES.includes(n)).sort()).toEqual([...UNKNOWN_EXAMPLES].sort());
    for (const u of UNKNOWN_EXAMPLES) expect(classifySubscriptionType(u).known).toBe(false);
  });

  it('every fixture is a valid delivery whose events all carry the fixture subscription type', () => {
    for (const f of hubspotFixtures()) {
      const parsed = parseWebhookBatch(f.events, { maxEvents: 100 });
      expect(parsed.ok, `${f.name}: ${parsed.ok ? '' : parsed.message}`).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.events.length).toBeGreaterThan(0);
      for (const e of parsed.events) expect(e.subscriptionType).toBe(f.name);
    }
  });

  it('generic object.* fixtures cover every standard objectTypeId and a custom 2-NNN object', () => {
    const custom = /^2-\d+$/;
    for (const action of GENERIC_ACTIONS) {
      const f = hubspotFixture(`object.${action}`);
      const typeIds = f.events.map((e) => (action === 'associationChange' ? e.fromObjectTypeId : e.objectTypeId));
      for (const id of STANDARD_OBJECT_TYPE_IDS) expect(typeIds, `object.${action} lacks ${id}`).toContain(id);
      expect(
        typeIds.some((t) => typeof t === 'string' && custom.test(t)),
        `object.${action} lacks a custom object`,
      ).toBe(true);
    }
  });

  it('merge fixtures carry the merge fields, one with a new record created by the merge', () => {
    const merges = names.filter((n) => n.endsWith('.merge')).flatMap((n) => hubspotFixture(n).events);
    for (const e of merges) {
      expect(e).toHaveProperty('primaryObjectId');
      expect(Array.isArray(e.mergedObjectIds)).toBe(true);
      expect(e).toHaveProperty('numberOfPropertiesMoved');
    }
    expect(merges.some((e) => e.newObjectId !== undefined && e.newObjectId !== e.primaryObjectId)).toBe(true);
  });

  it('association fixtures carry the legacy and the generic fields; a primary association arrives as two messages', () => {
    for (const n of names.filter((x) => x.endsWith('.associationChange') && !x.startsWith('object.'))) {
      for (const e of hubspotFixture(n).events) {
        for (const field of ['associationType', 'fromObjectId', 'toObjectId', 'associationRemoved', 'isPrimaryAssociation'])
          expect(e, `${n}.${field}`).toHaveProperty(field);
      }
    }
    const contact = hubspotFixture('contact.associationChange').events;
    expect(contact.map((e) => e.isPrimaryAssociation).sort()).toEqual([false, true]);
    const generic = hubspotFixture('object.associationChange').events;
    for (const e of generic) {
      for (const field of [
        'fromObjectTypeId',
        'toObjectTypeId',
        'associationTypeId',
        'associationCategory',
        'fromObjectId',
        'toObjectId',
        'associationRemoved',
      ])
        expect(e).toHaveProperty(field);
    }
    // Both sides fire for generic associations, and one event omits objectId as captured payloads do.
    expect(generic.some((e) => e.objectId === undefined)).toBe(true);
  });

  it('maps each fixture to the canonical object type its name implies', () => {
    const expected = (name: string, e: Record<string, unknown>): string => {
      const prefix = name.slice(0, name.indexOf('.'));
      if (prefix !== 'object') return prefix;
      const id = String(e.objectTypeId ?? e.fromObjectTypeId);
      const named: Record<string, string> = { '0-1': 'contact', '0-2': 'company', '0-3': 'deal', '0-5': 'ticket', '0-7': 'product', '0-8': 'line_item' };
      return named[id] ?? id;
    };
    for (const f of hubspotFixtures()) {
      const parsed = parseWebhookBatch(f.events, { maxEvents: 100 });
      if (!parsed.ok) throw new Error(parsed.message);
      parsed.events.forEach((e, i) => expect(objectTypeOf(e), f.name).toBe(expected(f.name, f.events[i] ?? {})));
    }
  });
});
