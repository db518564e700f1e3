import { AppError } from '@hookstream/core';
import { describe, expect, it } from 'vitest';
import { assertFilter, checkFilterPaths, matchesFilter, pathSegments, type EndpointFilter, type FilterSubject } from './filter.js';

const subject = (over: Partial<FilterSubject> = {}): FilterSubject => ({
  provider: 'hubspot',
  source: 'acme-portal',
  type: 'contact.created',
  body: {
    id: '42',
    provider: 'hubspot',
    source: 'acme-portal',
    type: 'contact.created',
    data: {
      status: 'open',
      amount: 10,
      flag: false,
      none: null,
      deal: { stage: 'won', owner: { id: 7, name: 'Ada' } },
      tags: ['a', 'b'],
      items: [{ sku: 'x1' }, { sku: 'y2' }],
      'kebab-key': 'k',
    },
  },
  ...over,
});

const matches = (filter: EndpointFilter, over: Partial<FilterSubject> = {}): boolean => matchesFilter(filter, subject(over));

describe('matchesFilter: providers, sources, types', () => {
  it('an empty filter matches everything', () => {
    expect(matches({})).toBe(true);
    expect(matches({}, { provider: 'salesforce', type: 'x', body: {} })).toBe(true);
  });

  it('empty lists impose nothing', () => {
    expect(matches({ providers: [], sources: [], types: [], match: {} })).toBe(true);
  });

  it('providers: any of', () => {
    expect(matches({ providers: ['hubspot'] })).toBe(true);
    expect(matches({ providers: ['salesforce', 'hubspot'] })).toBe(true);
    expect(matches({ providers: ['salesforce'] })).toBe(false);
    expect(matches({ providers: ['HubSpot'] })).toBe(false);
  });

  it('sources: any of', () => {
    expect(matches({ sources: ['acme-portal'] })).toBe(true);
    expect(matches({ sources: ['other', 'acme-portal'] })).toBe(true);
    expect(matches({ sources: ['acme'] })).toBe(false);
  });

  it('types: exact', () => {
    expect(matches({ types: ['contact.created'] })).toBe(true);
    expect(matches({ types: ['contact.deleted', 'contact.created'] })).toBe(true);
    expect(matches({ types: ['contact'] })).toBe(false);
    expect(matches({ types: ['contact.created.x'] })).toBe(false);
  });

  it('types: prefix*', () => {
    expect(matches({ types: ['contact.*'] })).toBe(true);
    expect(matches({ types: ['contact*'] })).toBe(true);
    expect(matches({ types: ['*'] })).toBe(true);
    expect(matches({ types: ['deal.*'] })).toBe(false);
    expect(matches({ types: ['contact.*'] }, { type: 'contacts.created' })).toBe(false);
    expect(matches({ types: ['contact.c*'] }, { type: 'contact.deleted' })).toBe(false);
  });

  it('a * elsewhere than at the end is literal', () => {
    expect(matches({ types: ['*.created'] })).toBe(false);
    expect(matches({ types: ['*.created'] }, { type: '*.created' })).toBe(true);
  });

  it('every given criterion must hold', () => {
    expect(matches({ providers: ['hubspot'], sources: ['acme-portal'], types: ['contact.*'] })).toBe(true);
    expect(matches({ providers: ['hubspot'], sources: ['other'], types: ['contact.*'] })).toBe(false);
    expect(matches({ providers: ['hubspot'], types: ['contact.*'], match: { 'data.status': 'closed' } })).toBe(false);
  });
});

describe('matchesFilter: match on paths', () => {
  it('dotted paths, with or without $.', () => {
    expect(matches({ match: { 'data.status': 'open' } })).toBe(true);
    expect(matches({ match: { '$.data.status': 'open' } })).toBe(true);
    expect(matches({ match: { '$.data.deal.stage': 'won' } })).toBe(true);
    expect(matches({ match: { 'data.deal.stage': 'lost' } })).toBe(false);
    expect(matches({ match: { type: 'contact.created' } })).toBe(true);
    expect(matches({ match: { 'data.kebab-key': 'k' } })).toBe(true);
  });

  it('compares values strictly: no type coercion', () => {
    expect(matches({ match: { 'data.amount': 10 } })).toBe(true);
    expect(matches({ match: { 'data.amount': '10' } })).toBe(false);
    expect(matches({ match: { 'data.flag': false } })).toBe(true);
    expect(matches({ match: { 'data.flag': 0 } })).toBe(false);
  });

  it('numeric segments index arrays', () => {
    expect(matches({ match: { 'data.items.1.sku': 'y2' } })).toBe(true);
    expect(matches({ match: { 'data.tags.0': 'a' } })).toBe(true);
    expect(matches({ match: { 'data.items.2.sku': 'y2' } })).toBe(false);
  });

  it('objects are equal whatever their key order, and deeply', () => {
    expect(matches({ match: { 'data.deal.owner': { name: 'Ada', id: 7 } } })).toBe(true);
    expect(matches({ match: { 'data.deal': { owner: { name: 'Ada', id: 7 }, stage: 'won' } } })).toBe(true);
    expect(matches({ match: { 'data.deal.owner': { id: 7 } } })).toBe(false);
    expect(matches({ match: { 'data.deal.owner': { id: 7, name: 'Ada', extra: 1 } } })).toBe(false);
    expect(matches({ match: { 'data.deal.owner': { id: '7', name: 'Ada' } } })).toBe(false);
  });

  it('an array value means any of them', () => {
    expect(matches({ match: { 'data.status': ['closed', 'open'] } })).toBe(true);
    expect(matches({ match: { 'data.status': ['closed', 'lost'] } })).toBe(false);
    expect(matches({ match: { 'data.status': [] } })).toBe(false);
    expect(matches({ match: { 'data.deal.owner': [{ name: 'Ada', id: 7 }] } })).toBe(true);
  });

  it('matching an array value takes an array inside the any-of list; order counts, and an array is not an object', () => {
    expect(matches({ match: { 'data.tags': [['a', 'b']] } })).toBe(true);
    expect(matches({ match: { 'data.tags': [['b', 'a']] } })).toBe(false);
    expect(matches({ match: { 'data.tags': ['a'] } })).toBe(false);
    expect(matches({ match: { 'data.tags': [{ 0: 'a', 1: 'b' }] } })).toBe(false);
  });

  it('a missing path is not null', () => {
    expect(matches({ match: { 'data.none': null } })).toBe(true);
    expect(matches({ match: { 'data.missing': null } })).toBe(false);
    expect(matches({ match: { 'data.status.deeper': null } })).toBe(false);
    expect(matches({ match: { 'nothing.here.at.all': null } })).toBe(false);
  });

  it('a path through a scalar finds nothing', () => {
    expect(matches({ match: { 'data.status.length': 4 } })).toBe(false);
    expect(matches({ match: { 'data.amount.x': 10 } })).toBe(false);
  });

  it('every match entry must hold', () => {
    expect(matches({ match: { 'data.status': 'open', 'data.deal.stage': 'won' } })).toBe(true);
    expect(matches({ match: { 'data.status': 'open', 'data.deal.stage': 'lost' } })).toBe(false);
  });

  // The doc comment: paths go into the delivered body. An inherited property of a JS object is
  // not part of any JSON body, so it must not match (it did: Object.prototype has no own keys,
  // so `{}` equalled it).
  it('inherited properties are not part of the body', () => {
    expect(matches({ match: { 'data.__proto__': {} } })).toBe(false);
    expect(matches({ match: { 'data.deal.__proto__': {} } })).toBe(false);
  });
});

describe('pathSegments', () => {
  it('drops an optional $. and splits on dots', () => {
    expect(pathSegments('$.data.deal.stage')).toEqual(['data', 'deal', 'stage']);
    expect(pathSegments('data.items.0')).toEqual(['data', 'items', '0']);
    expect(pathSegments('type')).toEqual(['type']);
  });
});

describe('checkFilterPaths and assertFilter', () => {
  it('accepts good paths and no match at all', () => {
    expect(checkFilterPaths(undefined)).toEqual([]);
    expect(checkFilterPaths({})).toEqual([]);
    expect(checkFilterPaths({ 'data.status': 1, '$.data.deal.stage': 'x', type: 'y', 'a_b.c-d.0': 1 })).toEqual([]);
    expect(() => assertFilter({ providers: ['hubspot'], match: { 'data.status': 'open' } })).not.toThrow();
    expect(() => assertFilter({})).not.toThrow();
  });

  it.each(['', '$', '$.', 'data..status', '.data', 'data.', 'data[0]', 'data.st atus', '$..data', 'data.*', '$data', 'dätä'])('refuses %j', (path) => {
    const errors = checkFilterPaths({ [path]: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/dotted path/);
  });

  it('names each bad path with a JSON pointer, escaping ~ and /', () => {
    expect(checkFilterPaths({ 'data.ok': 1, 'a/b': 1, 'x~y': 2, 'data..x': 3 }).map((e) => e.path)).toEqual([
      '/filter/match/a~1b',
      '/filter/match/x~0y',
      '/filter/match/data..x',
    ]);
    expect(checkFilterPaths({ '~/': 1 }).map((e) => e.path)).toEqual(['/filter/match/~0~1']);
  });

  it('assertFilter throws invalid_filter 422 with the field errors', () => {
    let err: unknown;
    try {
      assertFilter({ match: { 'data.ok': 1, 'bad path': 1, 'a/b': 2 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('invalid_filter');
    expect(e.httpStatus).toBe(422);
    expect(e.retryable).toBe(false);
    expect(e.errors?.map((x) => x.path)).toEqual(['/filter/match/bad path', '/filter/match/a~1b']);
    expect(e.toJSON()).toMatchObject({ code: 'invalid_filter', errors: [{ path: '/filter/match/bad path' }, { path: '/filter/match/a~1b' }] });
  });
});
