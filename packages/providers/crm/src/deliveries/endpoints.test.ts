import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryBody, ENDPOINT_ID, FilterSchema, checkFilterPaths, matchesFilter, parseSchedule } from '@hookstream/deliveries';
import type { DeclaredEndpoint } from '@hookstream/pipeline';
import { demoDeal } from '../testing/index.js';
import { TempSources } from '../test-support.js';
import { DEFAULT_ACTION_RETRY_SCHEDULE } from '../settings.js';
import { actionEndpointId } from './endpoint-id.js';
import { declaredEndpoints } from './endpoints.js';

const SCHEDULE = parseSchedule(DEFAULT_ACTION_RETRY_SCHEDULE);
let tmp: TempSources;
let endpoints: DeclaredEndpoint[];
beforeAll(() => {
  tmp = new TempSources();
  const sources = tmp.load(`sources:
  - { name: crm, provider: crm, auth: { type: api_key, keys: [dev-crm-key-0001] } }
  - name: crm-eu
    provider: crm
    auth: { type: api_key, keys: [dev-crm-eu-key-0001] }
    stages: [Lead, Closed Won]
    rules:
      - status: Closed Won
        actions: [{ type: brevo, templateId: 7, subject: Your property }, { type: meta_capi, eventName: Purchase, withValue: true }]
`);
  endpoints = declaredEndpoints(sources, SCHEDULE);
});
afterAll(() => tmp.remove());

/** The body the dispatcher would deliver for a stored crm event. */
const delivered = (source: string, status: string) =>
  deliveryBody({ id: 42, provider: 'crm', source, type: 'deal_updated', occurredAt: 1, receivedAt: 1, raw: demoDeal({ status }) }) as unknown as Record<
    string,
    unknown
  >;

describe('deliveries: one endpoint per (entry, rule, action)', () => {
  it('reproduces the reference system by default: Lead at Qualified; Purchase with value and an e-mail at Committed', () => {
    expect(endpoints.filter((e) => e.filter.sources !== undefined && (e.filter.sources as string[])[0] === 'crm')).toEqual([
      {
        id: 'ep_crm_crm_qualified_meta_capi',
        kind: 'meta_capi',
        url: 'meta_capi:Lead',
        description: 'crm source crm: at Qualified, Meta Conversions API event Lead',
        filter: { providers: ['crm'], sources: ['crm'], match: { 'data.data.dealDetails.status': 'Qualified' } },
        destination: { eventName: 'Lead', withValue: false },
        retrySchedule: [0, 30_000, 120_000, 480_000, 1_920_000],
      },
      {
        id: 'ep_crm_crm_committed_meta_capi',
        kind: 'meta_capi',
        url: 'meta_capi:Purchase',
        description: 'crm source crm: at Committed, Meta Conversions API event Purchase with the deal value',
        filter: { providers: ['crm'], sources: ['crm'], match: { 'data.data.dealDetails.status': 'Committed' } },
        destination: { eventName: 'Purchase', withValue: true },
        retrySchedule: [0, 30_000, 120_000, 480_000, 1_920_000],
      },
      {
        id: 'ep_crm_crm_committed_brevo',
        kind: 'brevo',
        url: 'brevo:built-in-template',
        description: 'crm source crm: at Committed, Brevo e-mail to the customer (built-in template)',
        filter: { providers: ['crm'], sources: ['crm'], match: { 'data.data.dealDetails.status': 'Committed' } },
        destination: {},
        retrySchedule: [0, 30_000, 120_000, 480_000, 1_920_000],
      },
    ]);
  });

  it('declares an entry’s own rules with the action’s settings', () => {
    const eu = endpoints.filter((e) => (e.filter.sources as string[])[0] === 'crm-eu');
    expect(eu.map((e) => [e.id, e.kind, e.url, e.destination])).toEqual([
      ['ep_crm_crm-eu_closed_won_brevo', 'brevo', 'brevo:template-7', { templateId: 7, subject: 'Your property' }],
      ['ep_crm_crm-eu_closed_won_meta_capi', 'meta_capi', 'meta_capi:Purchase', { eventName: 'Purchase', withValue: true }],
    ]);
  });

  it('gives ids and filters the deliveries package accepts', () => {
    for (const e of endpoints) {
      expect(e.id).toMatch(ENDPOINT_ID);
      expect(FilterSchema.safeParse(e.filter).success, e.id).toBe(true);
      expect(checkFilterPaths(e.filter.match as Record<string, unknown>)).toEqual([]);
    }
    expect(new Set(endpoints.map((e) => e.id)).size).toBe(endpoints.length);
  });

  it('matches the delivered body of its source’s events at its status, and nothing else', () => {
    const byId = (id: string) => endpoints.find((e) => e.id === id)?.filter ?? {};
    const committed = byId('ep_crm_crm_committed_meta_capi');
    expect(matchesFilter(committed, { provider: 'crm', source: 'crm', type: 'deal_updated', body: delivered('crm', 'Committed') })).toBe(true);
    expect(matchesFilter(committed, { provider: 'crm', source: 'crm', type: 'deal_updated', body: delivered('crm', 'Qualified') })).toBe(false);
    expect(matchesFilter(committed, { provider: 'crm', source: 'crm-eu', type: 'deal_updated', body: delivered('crm-eu', 'Committed') })).toBe(false);
    expect(
      matchesFilter(byId('ep_crm_crm-eu_closed_won_brevo'), { provider: 'crm', source: 'crm-eu', type: 'x', body: delivered('crm-eu', 'Closed Won') }),
    ).toBe(true);
  });
});

describe('actionEndpointId', () => {
  it('lower-cases and replaces what ids may not hold, stably', () => {
    expect(actionEndpointId('crm', 'Qualified', 'meta_capi')).toBe('ep_crm_crm_qualified_meta_capi');
    expect(actionEndpointId('crm', 'Closed Won / Ä', 'brevo')).toBe('ep_crm_crm_closed_won_____brevo');
    expect(actionEndpointId('crm', 'Closed Won / Ä', 'brevo')).toBe(actionEndpointId('crm', 'Closed Won / Ä', 'brevo'));
  });

  it('keeps long ids within 36 characters after ep_, distinct by a hash of the whole', () => {
    const a = actionEndpointId('a-very-long-crm-source-name-for-emea', 'Negotiation', 'meta_capi');
    const b = actionEndpointId('a-very-long-crm-source-name-for-emea', 'Negotiation', 'brevo');
    for (const id of [a, b]) {
      expect(id).toMatch(ENDPOINT_ID);
      expect(id.length).toBe(3 + 36);
    }
    expect(a.slice(0, 30)).toBe(b.slice(0, 30));
    expect(a).not.toBe(b);
  });
});
