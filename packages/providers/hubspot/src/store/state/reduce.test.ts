import { describe, expect, it } from 'vitest';
import type { ObjectRef, ObjectState, StateUpdate } from '../types.js';
import { applyUpdates, sameState } from './reduce.js';
import { prng } from '../testing/prng.js';

const ref: ObjectRef = { portalId: 62515, objectType: 'contact', objectId: 123 };

function randomUpdate(rnd: () => number): StateUpdate {
  // Small domains force many ties on `at` and on values.
  const at = Math.floor(rnd() * 6) * 1000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const value = (): string | null => pick(['a', 'b', 'B', '', null, '10', '9']);
  const name = (): string => pick(['email', 'firstname', 'lifecyclestage', '__proto__']);
  switch (Math.floor(rnd() * 8)) {
    case 0:
      return { kind: 'property', name: name(), value: value(), at };
    case 1: {
      const properties: Record<string, string | null> = {};
      for (let i = 0; i < 3; i++) Object.defineProperty(properties, name(), { value: value(), enumerable: true, writable: true, configurable: true });
      const u: StateUpdate = { kind: 'snapshot', properties, at };
      if (rnd() < 0.5) u.createdAt = Math.floor(rnd() * 5) * 100;
      if (rnd() < 0.5) u.archived = rnd() < 0.5;
      return u;
    }
    case 2:
      return { kind: 'archived', archived: rnd() < 0.5, at };
    case 3:
      return { kind: 'created', at };
    case 4:
      return { kind: 'merged', into: Math.floor(rnd() * 3) + 1, at };
    case 5:
      return { kind: 'absorbed', ids: Array.from({ length: Math.floor(rnd() * 3) }, () => 100 + Math.floor(rnd() * 4)), at };
    case 6:
      // Rarer, so that most trials also exercise state without a tombstone.
      return rnd() < 0.3 ? { kind: 'privacyDeleted', at } : { kind: 'seen', at };
    default:
      return { kind: 'seen', at };
  }
}

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Applies updates in random chunks, threading the state through, like successive batches would. */
function applyInChunks(updates: StateUpdate[], rnd: () => number): ObjectState {
  let state: ObjectState | undefined;
  let i = 0;
  while (i < updates.length) {
    const n = 1 + Math.floor(rnd() * 4);
    state = applyUpdates(state, ref, updates.slice(i, i + n));
    i += n;
  }
  return state ?? applyUpdates(undefined, ref, []);
}

describe('applyUpdates', () => {
  it('gives the identical state for any order, duplication and chunking of the same updates', () => {
    const rnd = prng(0xc0ffee);
    for (let trial = 0; trial < 300; trial++) {
      const updates = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => randomUpdate(rnd));
      const expected = applyUpdates(undefined, ref, updates);
      for (let p = 0; p < 10; p++) {
        const dupes = updates.filter(() => rnd() < 0.4);
        const variant = shuffled([...updates, ...dupes], rnd);
        const got = applyInChunks(variant, rnd);
        expect(got).toEqual(expected);
        // Same serialisation too, so persisted JSON does not churn.
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
      }
    }
  });

  it('lets newer information win per property and ignores older', () => {
    const s1 = applyUpdates(undefined, ref, [{ kind: 'property', name: 'email', value: 'new@x.io', at: 2000 }]);
    const s2 = applyUpdates(s1, ref, [{ kind: 'property', name: 'email', value: 'old@x.io', at: 1000 }]);
    expect(s2.properties.email).toBe('new@x.io');
    expect(s2.propertyVersions.email).toBe(2000);
    const s3 = applyUpdates(s2, ref, [{ kind: 'property', name: 'email', value: null, at: 3000 }]);
    expect(s3.properties.email).toBeNull();
  });

  it('breaks ties on equal time by value: null lowest, then the larger string', () => {
    const a = applyUpdates(undefined, ref, [
      { kind: 'property', name: 'p', value: 'a', at: 5 },
      { kind: 'property', name: 'p', value: null, at: 5 },
      { kind: 'property', name: 'p', value: 'b', at: 5 },
    ]);
    expect(a.properties.p).toBe('b');
    const n = applyUpdates(undefined, ref, [{ kind: 'property', name: 'p', value: null, at: 5 }]);
    expect(applyUpdates(n, ref, [{ kind: 'property', name: 'p', value: '', at: 5 }]).properties.p).toBe('');
  });

  it('merges snapshots per property and keeps newer event values over an older snapshot', () => {
    const s = applyUpdates(undefined, ref, [
      { kind: 'property', name: 'email', value: 'event@x.io', at: 5000 },
      { kind: 'snapshot', properties: { email: 'snap@x.io', firstname: 'Ada' }, at: 4000, createdAt: 100, archived: false },
    ]);
    expect(s.properties).toEqual({ email: 'event@x.io', firstname: 'Ada' });
    expect(s.snapshotAt).toBe(4000);
    expect(s.createdAt).toBe(100);
  });

  it('tracks deletion and restore by version, deletion winning a tie', () => {
    const del = applyUpdates(undefined, ref, [{ kind: 'archived', archived: true, at: 10 }]);
    expect(del.archived).toBe(true);
    expect(applyUpdates(del, ref, [{ kind: 'archived', archived: false, at: 9 }]).archived).toBe(true);
    expect(applyUpdates(del, ref, [{ kind: 'archived', archived: false, at: 10 }]).archived).toBe(true);
    const restored = applyUpdates(del, ref, [{ kind: 'archived', archived: false, at: 11 }]);
    expect(restored).toMatchObject({ archived: false, archivedVersion: 11 });
  });

  it('keeps the newest merge, the earliest creation and the latest event time', () => {
    const s = applyUpdates(undefined, ref, [
      { kind: 'merged', into: 7, at: 20 },
      { kind: 'merged', into: 9, at: 10 },
      { kind: 'created', at: 300 },
      { kind: 'created', at: 200 },
      { kind: 'seen', at: 50 },
      { kind: 'seen', at: 40 },
    ]);
    expect(s).toMatchObject({ mergedIntoObjectId: 7, mergedVersion: 20, createdAt: 200, lastEventAt: 50 });
  });

  it('keeps a privacy tombstone over every later or earlier value, deletion and restore', () => {
    const values: StateUpdate[] = [
      { kind: 'property', name: 'email', value: 'ada@x.io', at: 1000 },
      { kind: 'snapshot', properties: { firstname: 'Ada', email: 'old@x.io' }, at: 900, createdAt: 100, archived: false },
    ];
    const tomb: StateUpdate = { kind: 'privacyDeleted', at: 2000 };
    const late: StateUpdate[] = [
      { kind: 'property', name: 'email', value: 'late@x.io', at: 5000 },
      { kind: 'snapshot', properties: { lastname: 'Lovelace' }, at: 6000, archived: false },
      { kind: 'archived', archived: false, at: 7000 },
    ];
    const expected = applyUpdates(undefined, ref, [...values, tomb, ...late]);
    expect(expected).toMatchObject({ properties: {}, propertyVersions: {}, archived: true, privacyDeletedAt: 2000, createdAt: 100, snapshotAt: 6000 });
    const stepwise = applyUpdates(applyUpdates(applyUpdates(undefined, ref, values), ref, [tomb]), ref, late);
    expect(stepwise).toEqual(expected);
    // The earliest privacy deletion is the one recorded.
    expect(applyUpdates(expected, ref, [{ kind: 'privacyDeleted', at: 1500 }]).privacyDeletedAt).toBe(1500);
  });

  it('collects the ids merged into a survivor as a sorted set', () => {
    const s = applyUpdates(undefined, ref, [
      { kind: 'absorbed', ids: [12, 11], at: 5 },
      { kind: 'absorbed', ids: [11, 13], at: 3 },
    ]);
    expect(s.mergedObjectIds).toEqual([11, 12, 13]);
  });

  it('treats "__proto__" as an ordinary property name', () => {
    const s = applyUpdates(undefined, ref, [{ kind: 'property', name: '__proto__', value: 'x', at: 1 }]);
    expect(Object.getPrototypeOf(s.properties)).toBe(Object.prototype);
    expect(Object.keys(s.properties)).toEqual(['__proto__']);
    expect(JSON.parse(JSON.stringify(s.properties))).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('does not mutate the input state and detects no-op updates', () => {
    const s1 = applyUpdates(undefined, ref, [{ kind: 'property', name: 'a', value: 'x', at: 5 }]);
    const frozen = JSON.stringify(s1);
    const s2 = applyUpdates(s1, ref, [{ kind: 'property', name: 'a', value: 'w', at: 5 }]);
    expect(JSON.stringify(s1)).toBe(frozen);
    expect(sameState(s1, s2)).toBe(true);
    expect(sameState(s1, applyUpdates(s1, ref, [{ kind: 'seen', at: 1 }]))).toBe(false);
  });
});
