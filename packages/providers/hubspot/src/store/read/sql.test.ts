import { describe, expect, it } from 'vitest';
import { buildLedgerListQuery, listIndex } from '@hookstream/store';
import { buildChangesQuery, buildListQuery, buildTimelineQuery, toLedgerQuery } from './sql.js';

describe('read SQL', () => {
  it('passes every user value as a parameter, never in the SQL text', () => {
    const evil = "contact' OR 1=1 -- ";
    const q = buildListQuery({
      portalId: 7,
      objectType: evil,
      subscriptionType: evil,
      from: 1,
      to: 2,
      order: 'desc',
      limit: 5,
      after: { occurredAt: 3, id: 4 },
    });
    expect(q.sql).not.toContain(evil);
    expect(q.sql.match(/\?/g)?.length).toBe(q.params.length);
    expect(q.params).toEqual(['hubspot', '7', evil, `${evil}:%`, 1, 2, 3, 3, 3, 4, 5]);
    expect(q.sql).toContain('(e.occurred_at < ? OR (e.occurred_at = ? AND e.id < ?))');
    expect(q.sql).toContain('ORDER BY e.occurred_at DESC, e.id DESC');
  });

  it('escapes LIKE wildcards in a subject prefix or suffix', () => {
    const q = buildLedgerListQuery({ provider: 'x', subject: { suffix: '50%_\\' }, order: 'asc', limit: 1 });
    expect(q.params).toContain('%50\\%\\_\\\\');
  });

  it('maps HubSpot filters onto the ledger: portal → tenant, object → subject, subscription type → type', () => {
    const base = { order: 'asc' as const, limit: 10 };
    expect(toLedgerQuery({ ...base, portalId: 1, objectType: 'deal', objectId: 2 })).toMatchObject({
      provider: 'hubspot',
      tenant: '1',
      subject: { eq: 'deal:2' },
    });
    expect(toLedgerQuery({ ...base, objectType: 'deal' })).toMatchObject({ subject: { prefix: 'deal:' } });
    expect(toLedgerQuery({ ...base, objectId: 2 })).toMatchObject({ subject: { suffix: ':2' } });
    expect(toLedgerQuery({ ...base, subscriptionType: 'deal.creation' })).toMatchObject({ type: 'deal.creation' });
  });

  it('picks the index that serves the filters in (occurred_at, id) order', () => {
    const base = { order: 'asc' as const, limit: 10 };
    expect(listIndex({})).toBe('ix_events_occurred');
    expect(listIndex({ type: 't' })).toBe('ix_events_type_occurred');
    expect(listIndex({ provider: 'p' })).toBe('ix_events_provider_occurred');
    expect(listIndex({ provider: 'p', source: 's' })).toBe('ix_events_source_occurred');
    expect(listIndex({ provider: 'p', tenant: 't', subject: { prefix: 'x' } })).toBe('ix_events_tenant_occurred');
    expect(buildListQuery(base).sql).toContain('FORCE INDEX (ix_events_provider_occurred)');
    expect(buildListQuery({ ...base, portalId: 1 }).sql).toContain('FORCE INDEX (ix_events_tenant_occurred)');
    expect(buildListQuery({ ...base, portalId: 1, objectType: 'deal', objectId: 2 }).sql).toContain('FORCE INDEX (ix_events_subject_timeline)');
    expect(buildListQuery({ ...base, subscriptionType: 'deal.creation' }).sql).toContain('FORCE INDEX (ix_events_type_occurred)');
    expect(buildTimelineQuery({ portalId: 1, objectType: 'deal', objectId: 2 }, base).sql).toContain('ix_events_subject_timeline');
    expect(buildChangesQuery({ afterId: 5, limit: 3, portalId: 9 })).toMatchObject({ params: [5, 'hubspot', '9', 3] });
    expect(buildChangesQuery({ afterId: 5, limit: 3 }).sql).toContain('ORDER BY e.id ASC');
  });
});
