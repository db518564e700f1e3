import type { HubSpotEvent } from '@hookstream/hubspot';
import type { UpsertInput } from '../hubspot/store.js';
import type { Random } from './random.js';

export type WorkloadObjectType = 'contact' | 'company' | 'deal';

export interface WorkloadObject {
  objectType: WorkloadObjectType;
  objectId: number;
}

export interface WorkloadOptions {
  portalId: number;
  appId?: number;
  random: Random;
  /** Objects per type (contact, company, deal). @default 60 */
  objectsPerType?: number;
  /** occurredAt is up to this far in the past, so deliveries arrive out of order. @default 120 000 */
  outOfOrderMs?: number;
  now?: () => number;
}

export interface Workload {
  readonly objects: readonly WorkloadObject[];
  /** A HubSpot event whose unique key no earlier call returned. */
  next(): HubSpotEvent;
  /**
   * What the fake HubSpot API holds for an object. Fixed values and an updatedAt older than
   * every event, so enrichment adds the same snapshot whenever (and however often) it runs.
   */
  snapshotOf(obj: WorkloadObject): UpsertInput;
}

const PROPERTIES: Record<WorkloadObjectType, readonly string[]> = {
  contact: ['firstname', 'lastname', 'email', 'lifecyclestage', 'phone'],
  company: ['name', 'domain', 'industry'],
  deal: ['dealname', 'amount', 'dealstage'],
};

const OBJECT_ID_BASE: Record<WorkloadObjectType, number> = { contact: 510_000_000_000, company: 520_000_000_000, deal: 530_000_000_000 };

const ACTIONS = ['propertyChange', 'creation', 'deletion', 'restore'] as const;
type Action = (typeof ACTIONS)[number];
const ACTION_WEIGHTS: Record<Action, number> = { propertyChange: 0.72, creation: 0.16, deletion: 0.08, restore: 0.04 };

/** One subscription per (prefix, action), like a HubSpot app's subscription list. */
function subscriptionId(prefix: string, action: Action): number {
  const p = ['contact', 'company', 'deal', 'object'].indexOf(prefix);
  return 900_000 + p * 10 + ACTIONS.indexOf(action);
}

export const SNAPSHOT_UPDATED_AT = '2025-06-01T00:00:00.000Z';
export const SNAPSHOT_CREATED_AT = '2025-01-01T00:00:00.000Z';

export function eventKeyOf(e: Pick<HubSpotEvent, 'portalId' | 'subscriptionId' | 'eventId' | 'occurredAt' | 'objectId'>): string {
  // The events table's unique key, in its column order.
  return `${e.portalId}:${e.subscriptionId}:${e.eventId}:${e.occurredAt}:${e.objectId}`;
}

/**
 * CRM traffic for a fixed set of objects: creations, property changes, deletions and restores,
 * stamped up to `outOfOrderMs` in the past. A few contact changes come as generic
 * `object.propertyChange` (objectTypeId 0-1) events, and a few events reuse another event's
 * eventId and occurredAt for a different object, which HubSpot says can happen.
 */
export function createWorkload(opts: WorkloadOptions): Workload {
  const { random } = opts;
  const now = opts.now ?? Date.now;
  const perType = opts.objectsPerType ?? 60;
  const window = opts.outOfOrderMs ?? 120_000;
  const objects: WorkloadObject[] = [];
  for (const objectType of ['contact', 'company', 'deal'] as const) {
    for (let i = 0; i < perType; i++) objects.push({ objectType, objectId: OBJECT_ID_BASE[objectType] + i });
  }
  const keys = new Set<string>();
  const recent: HubSpotEvent[] = [];
  let nextEventId = 5_000_000_000 + random.int(0, 999) * 1_000_000;

  const action = (): Action => {
    let r = random.next();
    for (const a of ACTIONS) {
      r -= ACTION_WEIGHTS[a];
      if (r < 0) return a;
    }
    return 'propertyChange';
  };

  const build = (): HubSpotEvent => {
    const obj = random.pick(objects);
    const act = action();
    const generic = obj.objectType === 'contact' && act === 'propertyChange' && random.chance(0.1);
    const prefix = generic ? 'object' : obj.objectType;
    const reuse = recent.length > 0 && random.chance(0.02) ? random.pick(recent) : undefined;
    const event: HubSpotEvent = {
      eventId: reuse?.eventId ?? nextEventId++,
      subscriptionId: subscriptionId(prefix, act),
      portalId: opts.portalId,
      appId: opts.appId ?? 7_906_213,
      occurredAt: reuse?.occurredAt ?? now() - random.int(0, window),
      subscriptionType: `${prefix}.${act}`,
      attemptNumber: 0,
      objectId: obj.objectId,
      changeSource: random.pick(['CRM_UI', 'API', 'INTEGRATION', 'IMPORT']),
      ...(generic ? { objectTypeId: '0-1' } : {}),
    };
    if (act === 'propertyChange') {
      const name = random.pick(PROPERTIES[obj.objectType]);
      event.propertyName = name;
      event.propertyValue = `${name}-${random.int(0, 999)}`;
    } else if (act === 'creation') {
      event.changeFlag = 'CREATED';
    } else if (act === 'deletion') {
      event.changeFlag = 'DELETED';
    }
    return event;
  };

  return {
    objects,
    next() {
      for (;;) {
        const e = build();
        const key = eventKeyOf(e);
        if (keys.has(key)) continue;
        keys.add(key);
        recent.push(e);
        if (recent.length > 500) recent.shift();
        return e;
      }
    },
    snapshotOf(obj) {
      return {
        id: obj.objectId,
        properties: Object.fromEntries(PROPERTIES[obj.objectType].map((p) => [p, `${p}-snapshot`])),
        createdAt: SNAPSHOT_CREATED_AT,
        updatedAt: SNAPSHOT_UPDATED_AT,
        archived: false,
      };
    },
  };
}
