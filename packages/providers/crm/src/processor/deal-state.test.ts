import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGES, rankOf, stageRanks } from '../config/stages.js';
import { advances, applyStatus, type DealState, type StatusEvent } from './deal-state.js';

const ranks = stageRanks(DEFAULT_STAGES);

let nextId = 1;
const event = (status: string, receivedAt = 1000): StatusEvent => ({
  ledgerId: nextId++,
  status,
  type: 'deal_updated',
  receivedAt,
  fields: { deal: { status }, customer: { contactId: 'C-1' }, property: { propertyId: 'P-1' } },
});

/** The deal after these statuses arrive in this order. */
function replay(statuses: readonly string[]): { state: DealState | null; advanced: boolean[] } {
  let state: DealState | null = null;
  const advanced: boolean[] = [];
  statuses.forEach((s, i) => {
    const r = applyStatus(state, event(s, 1000 + i), ranks);
    state = r.state;
    advanced.push(r.advanced);
  });
  return { state, advanced };
}

describe('stage ranking', () => {
  it('ranks the default stages in order and has no rank for other statuses', () => {
    expect(DEFAULT_STAGES.map((s) => rankOf(ranks, s))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(rankOf(ranks, 'Lost')).toBeNull();
    // Exact comparison: a CRM's casing is its own status.
    expect(rankOf(ranks, 'qualified')).toBeNull();
  });

  it('moves forward only: a later event with an older status is recorded but does not move the deal back', () => {
    const { state, advanced } = replay(['Committed', 'Qualified']);
    expect(state?.status).toBe('Committed');
    expect(state?.statusRank).toBe(5);
    expect(advanced).toEqual([true, false]);
    // The fields are those of the event that set the status, not of the stale one.
    expect(state?.fields.deal).toEqual({ status: 'Committed' });
    expect(state).toMatchObject({ firstSeenAt: 1000, lastEventAt: 1001 });
  });

  it('ends in the highest listed stage whatever the order the events arrive in', () => {
    const statuses = ['New', 'Qualified', 'Proposal', 'Committed'];
    const orders = [statuses, [...statuses].reverse(), ['Proposal', 'New', 'Committed', 'Qualified'], ['Qualified', 'Committed', 'New', 'Proposal']];
    for (const order of orders) expect(replay(order).state?.status, order.join(',')).toBe('Committed');
  });

  it('lets a status the stages do not list set the status only of a deal that has none', () => {
    expect(replay(['Lost']).state).toMatchObject({ status: 'Lost', statusRank: null });
    expect(replay(['Qualified', 'Lost']).state?.status).toBe('Qualified');
    expect(replay(['Lost', 'Archived']).state?.status).toBe('Lost');
    // A listed status then replaces the unlisted one, so both orders agree.
    expect(replay(['Lost', 'Qualified']).state?.status).toBe('Qualified');
  });

  it('keeps the earliest and latest receive times across out-of-order events', () => {
    let state = applyStatus(null, event('Qualified', 5000), ranks).state;
    state = applyStatus(state, event('New', 3000), ranks).state;
    state = applyStatus(state, event('Committed', 9000), ranks).state;
    expect(state).toMatchObject({ status: 'Committed', firstSeenAt: 3000, lastEventAt: 9000 });
  });

  it('ranks by the stages given today, also for the current status', () => {
    const custom = stageRanks(['Lead', 'Won']);
    expect(advances(null, null, custom)).toBe(true);
    expect(advances({ status: 'Won' }, 0, custom)).toBe(false);
    expect(advances({ status: 'Lead' }, 1, custom)).toBe(true);
    const kept = applyStatus(
      { status: 'Won', statusRank: 99, statusEventId: 1, fields: event('Won').fields, firstSeenAt: 1, lastEventAt: 1 },
      event('Lead'),
      custom,
    );
    expect(kept.state.statusRank).toBe(1);
  });
});
