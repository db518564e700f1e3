import { describe, expect, it } from 'vitest';
import { buildChangesQuery, buildListQuery, buildTimelineQuery } from './sql.js';

describe('read SQL', () => {
  it('passes every user value as a parameter, never in the SQL text', () => {
    const evil = "contact' OR 1=1 -- ";
    const q = buildListQuery({ portalId: 7, objectType: evil, subscriptionType: evil, from: 1, to: 2, order: 'desc', limit: 5, after: { occurredAt: 3, id: 4 } });
    expect(q.sql).not.toContain(evil);
    expect(q.sql.match(/\?/g)?.length).toBe(q.params.length);
    expect(q.params).toEqual([7, evil, evil, 1, 2, 3, 3, 3, 4, 5]);
    expect(q.sql).toContain('(occurred_at < ? OR (occurred_at = ? AND id < ?))');
    expect(q.sql).toContain('ORDER BY occurred_at DESC, id DESC');
  });

  it('picks the index that serves the filters in (occurred_at, id) order', () => {
    const base = { order: 'asc' as const, limit: 10 };
    expect(buildListQuery(base).sql).toContain('FORCE INDEX (ix_events_occurred)');
    expect(buildListQuery({ ...base, portalId: 1 }).sql).toContain('FORCE INDEX (ix_events_portal_occurred)');
    expect(buildListQuery({ ...base, portalId: 1, objectType: 'deal', objectId: 2 }).sql).toContain('FORCE INDEX (ix_events_object_timeline)');
    expect(buildListQuery({ ...base, subscriptionType: 'deal.creation' }).sql).toContain('FORCE INDEX (ix_events_type_occurred)');
    expect(buildTimelineQuery({ portalId: 1, objectType: 'deal', objectId: 2 }, base).sql).toContain('ix_events_object_timeline');
    expect(buildChangesQuery({ afterId: 5, limit: 3, portalId: 9 })).toMatchObject({ params: [5, 9, 3] });
    expect(buildChangesQuery({ afterId: 5, limit: 3 }).sql).toContain('ORDER BY id ASC');
  });
});
