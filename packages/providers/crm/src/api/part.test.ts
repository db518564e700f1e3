import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '@hookstream/store';
import { demoDeal } from '../testing/index.js';
import { crmApiPart, presentCrmRows } from './part.js';

const row = (over: Partial<LedgerRecord> = {}): LedgerRecord => ({
  id: 9,
  provider: 'crm',
  source: 'crm',
  tenant: null,
  type: 'deal_created',
  subject: 'D-1:a',
  eventId: 'D-1:a:Qualified',
  idempotencyKey: 'D-1:a:Qualified',
  occurredAt: 1,
  receivedAt: 1,
  processedAt: 2,
  requestId: 'r',
  raw: demoDeal(),
  ...over,
});

describe('crm in GET /events', () => {
  it('answers the ledger’s fields, with the deal and the status it reached', async () => {
    expect(await presentCrmRows([row()])).toEqual([{ ...row(), dealId: 'D-1:a', status: 'Qualified' }]);
  });

  it('maps ?dealId= onto the ledger subject and refuses ids the edge would refuse', () => {
    const params = crmApiPart({ deal: async () => null, timeline: async () => [] }).listParams;
    const parse = params?.parsers.dealId as (n: string, raw: string) => unknown;
    expect(params?.toFilter({ dealId: parse('dealId', 'D-927483-XYZ') })).toEqual({ subject: { eq: 'D-927483-XYZ' } });
    expect(params?.toFilter({})).toEqual({});
    expect(() => parse('dealId', ' D-1')).toThrow(/^dealId: must be 1-128 characters/);
  });
});
