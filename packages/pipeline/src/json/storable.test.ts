import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_STORABLE_DEPTH } from './storable.js';

const nest = (levels: number, leaf: unknown = 'leaf'): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('findUnstorable', () => {
  it('accepts real events: nesting up to the limit, emoji (paired surrogates), primitives', () => {
    // The checked value is level 1, so MAX_STORABLE_DEPTH arrays in all is the deepest allowed.
    expect(findUnstorable({ a: nest(MAX_STORABLE_DEPTH - 1, 'ok 😀'), n: 1.5, b: true, z: null })).toBeNull();
    expect(findUnstorable('plain')).toBeNull();
    expect(findUnstorable(42)).toBeNull();
    expect(findUnstorable([])).toBeNull();
  });

  it('names the JSON pointer of a container that is too deep', () => {
    expect(findUnstorable({ a: nest(MAX_STORABLE_DEPTH) })).toEqual({
      path: `/a${'/0'.repeat(MAX_STORABLE_DEPTH - 1)}`,
      message: 'nested deeper than 20 levels',
    });
    expect(findUnstorable({ a: { b: { c: 1 } } }, 2)).toEqual({ path: '/a/b', message: 'nested deeper than 2 levels' });
    expect(findUnstorable({ a: { b: 'deep leaves are fine' } }, 2)).toBeNull();
  });

  it('survives input nested 10,000 deep without recursion', () => {
    const text = `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const r = findUnstorable(JSON.parse(text) as unknown);
    expect(r?.message).toBe('nested deeper than 20 levels');
    expect(r?.path.startsWith('/x/0/0')).toBe(true);
  });

  it('finds unpaired surrogates in values and keys, with escaped pointers', () => {
    expect(findUnstorable({ 'a/b': ['ok', 'bad\ud800'] })).toEqual({ path: '/a~1b/1', message: 'contains an unpaired UTF-16 surrogate' });
    expect(findUnstorable({ 'm~': { lone: '\udc00x' } })).toEqual({ path: '/m~0/lone', message: 'contains an unpaired UTF-16 surrogate' });
    expect(findUnstorable({ o: { ['k\udc00']: 1 } })).toEqual({ path: '/o', message: 'a field name contains an unpaired UTF-16 surrogate' });
    expect(findUnstorable('\ud83d')).toEqual({ path: '', message: 'contains an unpaired UTF-16 surrogate' });
    expect(findUnstorable(JSON.parse('{"s":"\\ud800"}') as unknown)).toEqual({ path: '/s', message: 'contains an unpaired UTF-16 surrogate' });
  });

  it('finds numbers JSON.parse turned into Infinity', () => {
    expect(findUnstorable(JSON.parse('{"big":[1e400]}') as unknown)).toEqual({ path: '/big/0', message: 'number is out of range' });
  });
});
