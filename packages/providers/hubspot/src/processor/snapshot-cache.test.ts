import { describe, expect, it } from 'vitest';
import { createSnapshotCache } from './snapshot-cache.js';

const found = (email: string) => ({ kind: 'found' as const, obj: { id: '1', properties: { email } } });

describe('snapshot cache', () => {
  it('expires entries, evicts the least recently used, and never lets an older read replace a newer one', () => {
    let t = 0;
    const c = createSnapshotCache({ ttlMs: 100, maxEntries: 2, now: () => t });
    c.set('a', found('new'), 50);
    c.set('a', found('old'), 10);
    expect(c.get('a')).toEqual(found('new'));
    c.set('b', { kind: 'notFound' }, 60);
    c.get('a');
    c.set('c', found('c'), 60);
    expect([c.get('a') !== undefined, c.get('b'), c.size]).toEqual([true, undefined, 2]);
    c.set('e', { kind: 'error', error: new Error('x') }, 60);
    expect(c.get('e')).toBeUndefined();
    t = 150;
    expect(c.get('a')).toBeUndefined();
    expect(c.get('c')).toEqual(found('c'));
    t = 160;
    expect(c.get('c')).toBeUndefined();
  });
});
