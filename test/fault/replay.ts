import type { CrmObject, HubSpotEvent } from '@hookstream/hubspot';
import { snapshotUpdate, stateUpdatesFor } from '@hookstream/hubspot';
import { createDataSource, runMigrations, type DataSource } from '@hookstream/store';
import { applyUpdates, createEventReader, createEventWriter, type ObjectState, type StateChange } from '@hookstream/hubspot';
import { createRandom, testDatabase } from '@hookstream/testkit';

/** What one stored event row says about object state: its own updates plus its enrichment snapshot. */
type RowChanges = StateChange[];

const parse = (v: unknown): unknown => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v);

/**
 * Every stored event as state changes, exactly as the processor derives them: the event's
 * updates (stateUpdatesFor) and, when it was enriched, its snapshot (snapshotUpdate). The fake
 * HubSpot returns the same snapshot for an object every time, so the result does not depend on
 * when enrichment ran.
 */
export async function storedChanges(ds: DataSource): Promise<RowChanges[]> {
  const rows = (await ds.query('SELECT portal_id, object_type, object_id, raw, enrichment FROM hubspot_event_rows')) as Array<Record<string, unknown>>;
  return rows.map((r) => {
    const event = parse(r.raw) as HubSpotEvent;
    const ref = { portalId: Number(r.portal_id), objectType: String(r.object_type), objectId: Number(r.object_id) };
    const changes: StateChange[] = stateUpdatesFor(event, ref);
    const snapshot = parse(r.enrichment) as CrmObject | null;
    // readAt only matters when updatedAt is missing, which the fake never does.
    if (snapshot) changes.push({ ref, updates: [snapshotUpdate(snapshot, 0)] });
    return changes;
  });
}

const refKey = (s: { portalId: number; objectType: string; objectId: number }) => `${s.portalId}:${s.objectType}:${s.objectId}`;

/** The reducer alone, over the rows in a random order: the state a clean replay gives. */
export function replayInMemory(all: readonly RowChanges[], seed: number): Map<string, ObjectState> {
  const order = createRandom(seed).shuffle([...all]);
  const out = new Map<string, ObjectState>();
  for (const changes of order) for (const c of changes) out.set(refKey(c.ref), applyUpdates(out.get(refKey(c.ref)), c.ref, c.updates));
  return out;
}

/** The same rows through the real writer into a fresh database, in random order and random chunks. */
export async function replayThroughWriter(all: readonly RowChanges[], seed: number): Promise<Map<string, ObjectState>> {
  const random = createRandom(seed);
  const db = await testDatabase('hs_replay');
  const ds = createDataSource({ url: db.url });
  await ds.initialize();
  try {
    await runMigrations(ds);
    const writer = createEventWriter(ds);
    const order = random.shuffle([...all]);
    for (let i = 0; i < order.length;) {
      const n = random.int(1, 200);
      await writer.persist({ events: [], state: order.slice(i, i + n).flat(), now: Date.now() });
      i += n;
    }
    return await readStates(ds);
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

/** Every object's state as the store's own reader returns it (so new state fields are compared too). */
export async function readStates(ds: DataSource): Promise<Map<string, ObjectState>> {
  const reader = createEventReader(ds);
  const refs = (await ds.query('SELECT portal_id, object_type, object_id FROM object_state')) as Array<Record<string, unknown>>;
  const out = new Map<string, ObjectState>();
  for (const r of refs) {
    const ref = { portalId: Number(r.portal_id), objectType: String(r.object_type), objectId: Number(r.object_id) };
    const s = await reader.objectState(ref);
    if (s) out.set(refKey(ref), s);
  }
  return out;
}

/** Key-order independent form, so two states compare equal exactly when they hold the same information. */
function canonical(s: ObjectState): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, sorted(o[k])]),
    );
  };
  return JSON.stringify(sorted(s));
}

/** Objects whose state differs (or exists on one side only), with a short description of each. */
export function diffStates(actual: ReadonlyMap<string, ObjectState>, expected: ReadonlyMap<string, ObjectState>): string[] {
  const out: string[] = [];
  for (const k of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(k);
    const e = expected.get(k);
    if (!a || !e) out.push(`${k}: ${a ? 'not in the replay' : 'missing from the fault run'}`);
    else if (canonical(a) !== canonical(e)) out.push(`${k}: ${canonical(a)} != ${canonical(e)}`);
  }
  return out;
}
