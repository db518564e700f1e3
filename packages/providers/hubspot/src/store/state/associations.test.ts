import { describe, expect, it } from 'vitest';
import type { AssociationUpdate } from '../types.js';
import { applyAssociationUpdates } from './associations.js';
import { prng } from '../testing/prng.js';

function shuffled<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const base = { portalId: 62515, fromObjectType: 'contact', fromObjectId: 1, toObjectType: 'company', associationType: 'CONTACT_TO_COMPANY' };

describe('applyAssociationUpdates', () => {
  it('converges to the same rows for any order, duplication and batching of adds and removes', () => {
    const rnd = prng(0xa55);
    for (let trial = 0; trial < 300; trial++) {
      const updates: AssociationUpdate[] = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => ({
        ...base,
        toObjectId: 1 + Math.floor(rnd() * 3),
        isPrimary: rnd() < 0.5,
        removed: rnd() < 0.5,
        // Small time domain: many ties between an add and a remove.
        at: Math.floor(rnd() * 4) * 1000,
      }));
      const expected = applyAssociationUpdates([], updates);
      for (let p = 0; p < 10; p++) {
        const variant = shuffled([...updates, ...updates.filter(() => rnd() < 0.4)], rnd);
        let rows = applyAssociationUpdates([], []);
        for (let i = 0; i < variant.length;) {
          const n = 1 + Math.floor(rnd() * 3);
          rows = applyAssociationUpdates(rows, variant.slice(i, i + n));
          i += n;
        }
        expect(rows).toEqual(expected);
      }
    }
  });

  it('lets the newest information win, a removal winning a tie, and keeps primary and default apart', () => {
    const add = { ...base, toObjectId: 9, isPrimary: true, removed: false, at: 10 };
    expect(applyAssociationUpdates([], [add, { ...add, removed: true, at: 5 }])).toEqual([
      { ...base, toObjectId: 9, isPrimary: true, removed: false, version: 10 },
    ]);
    expect(applyAssociationUpdates([], [add, { ...add, removed: true, at: 10 }])[0]?.removed).toBe(true);
    const rows = applyAssociationUpdates([], [add, { ...add, isPrimary: false }, { ...add, removed: true, at: 20 }]);
    expect(rows.map((r) => [r.isPrimary, r.removed])).toEqual([
      [false, false],
      [true, true],
    ]);
  });
});
