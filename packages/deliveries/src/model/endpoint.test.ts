import { describe, expect, it } from 'vitest';
import { EndpointInputSchema, EndpointPatchSchema, FilterSchema } from './endpoint.js';

const issuesOf = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; code: string; message: string }> } }) =>
  r.error?.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) ?? [];

describe('EndpointInputSchema', () => {
  it('fills the defaults from a bare url', () => {
    expect(EndpointInputSchema.parse({ url: 'https://hooks.example.com/in' })).toEqual({
      url: 'https://hooks.example.com/in',
      description: '',
      filter: {},
      rateLimitPerSecond: null,
      maxInFlight: null,
      ordered: false,
      enabled: true,
    });
  });

  it('keeps what is given', () => {
    const input = {
      url: 'https://hooks.example.com/in',
      description: 'orders',
      filter: { providers: ['hubspot'], sources: ['acme'], types: ['deal.*'], match: { 'data.stage': ['won', 'lost'] } },
      rateLimitPerSecond: 50,
      maxInFlight: 1,
      ordered: true,
      enabled: false,
    };
    expect(EndpointInputSchema.parse(input)).toEqual(input);
  });

  it('requires a url', () => {
    const r = EndpointInputSchema.safeParse({});
    expect(r.success).toBe(false);
    expect(issuesOf(r)).toContainEqual({ path: 'url', code: 'invalid_type' });
    expect(EndpointInputSchema.safeParse({ url: '' }).success).toBe(false);
    expect(EndpointInputSchema.safeParse({ url: `https://x/${'a'.repeat(2048)}` }).success).toBe(false);
  });

  it('refuses unknown fields, at the top and in the filter', () => {
    const top = EndpointInputSchema.safeParse({ url: 'https://x', secret: 'whsec_x' });
    expect(top.success).toBe(false);
    expect(issuesOf(top)).toEqual([{ path: '', code: 'unrecognized_keys' }]);
    const inFilter = EndpointInputSchema.safeParse({ url: 'https://x', filter: { provider: ['hubspot'] } });
    expect(inFilter.success).toBe(false);
    expect(issuesOf(inFilter)).toEqual([{ path: 'filter', code: 'unrecognized_keys' }]);
  });

  it.each([
    ['rateLimitPerSecond', 0],
    ['rateLimitPerSecond', 1.5],
    ['rateLimitPerSecond', 100_001],
    ['rateLimitPerSecond', '5'],
    ['maxInFlight', 0],
    ['maxInFlight', 1001],
    ['ordered', 'true'],
    ['enabled', 1],
    ['description', 'x'.repeat(501)],
    ['filter', { providers: [''] }],
    ['filter', { types: 'deal.*' }],
    ['filter', { match: { '': 1 } }],
  ])('refuses %s = %j', (field, value) => {
    const r = EndpointInputSchema.safeParse({ url: 'https://x', [field]: value });
    expect(r.success).toBe(false);
    expect(issuesOf(r)[0]?.path.split('.')[0]).toBe(field);
  });

  it('accepts the bounds', () => {
    expect(EndpointInputSchema.safeParse({ url: 'https://x', rateLimitPerSecond: 1, maxInFlight: 1000 }).success).toBe(true);
    expect(EndpointInputSchema.safeParse({ url: 'https://x', rateLimitPerSecond: 100_000, maxInFlight: 1 }).success).toBe(true);
  });
});

describe('FilterSchema', () => {
  it('accepts any JSON values under match', () => {
    const f = { match: { 'data.a': { b: [1, null] }, 'data.c': null } };
    expect(FilterSchema.parse(f)).toEqual(f);
  });

  it('limits list sizes', () => {
    expect(FilterSchema.safeParse({ providers: Array.from({ length: 51 }, (_, i) => `p${i}`) }).success).toBe(false);
    expect(FilterSchema.safeParse({ providers: Array.from({ length: 50 }, (_, i) => `p${i}`) }).success).toBe(true);
  });
});

describe('EndpointPatchSchema', () => {
  it('an empty patch is empty: no defaults are filled in', () => {
    expect(EndpointPatchSchema.parse({})).toEqual({});
  });

  it('takes any subset of the creation fields', () => {
    expect(EndpointPatchSchema.parse({ enabled: false })).toEqual({ enabled: false });
    expect(EndpointPatchSchema.parse({ rateLimitPerSecond: null, filter: { types: ['x'] } })).toEqual({ rateLimitPerSecond: null, filter: { types: ['x'] } });
  });

  it('refuses unknown fields and bad values', () => {
    expect(issuesOf(EndpointPatchSchema.safeParse({ id: 'ep_x' }))).toEqual([{ path: '', code: 'unrecognized_keys' }]);
    expect(EndpointPatchSchema.safeParse({ url: '' }).success).toBe(false);
    expect(EndpointPatchSchema.safeParse({ maxInFlight: 0 }).success).toBe(false);
    expect(EndpointPatchSchema.safeParse({ filter: { bogus: 1 } }).success).toBe(false);
  });
});
