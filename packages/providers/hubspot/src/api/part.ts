import type { FastifyInstance } from 'fastify';
import { params as shared, type ApiPart, type ListParams } from '@hookstream/pipeline';
import { type LedgerRecord } from '@hookstream/store';
import { hubspotSubjectMatch, hubspotTenant, type EventReader, type StoredEvent } from '../store/index.js';
import { objectRoutes } from './objects.js';
import * as hp from './params.js';
import { relationRoutes } from './relations.js';

/** GET /events?portalId&objectType&objectId&subscriptionType: HubSpot's filters on the ledger. */
const listParams: ListParams = {
  parsers: { portalId: shared.positiveInt, objectType: hp.objectType, objectId: shared.positiveInt, subscriptionType: hp.subscriptionType },
  toFilter: (v) => {
    const subject = hubspotSubjectMatch(v.objectType as string | undefined, v.objectId as number | undefined);
    return {
      ...(v.portalId !== undefined ? { tenant: hubspotTenant(v.portalId as number) } : {}),
      ...(v.subscriptionType !== undefined ? { type: v.subscriptionType as string } : {}),
      ...(subject ? { subject } : {}),
    };
  },
};

const changesParams: ListParams = {
  parsers: { portalId: shared.positiveInt },
  toFilter: (v) => (v.portalId !== undefined ? { tenant: hubspotTenant(v.portalId as number) } : {}),
};

/**
 * A HubSpot row in the cross-provider reads: the fields events-api always answered (numeric
 * eventId and portalId, object, property, enrichment) plus the ledger's source, tenant, type
 * and subject. Its HubSpot columns come from one primary-key lookup per page.
 */
export function hubspotPresenter(reader: Pick<EventReader, 'byIds'>) {
  return async (rows: readonly LedgerRecord[]): Promise<Array<Record<string, unknown>>> => {
    const details = new Map((await reader.byIds(rows.map((r) => r.id))).map((e) => [e.id, e]));
    return rows.map((r) => {
      const e: StoredEvent | undefined = details.get(r.id);
      const ledger = { source: r.source, tenant: r.tenant, type: r.type, subject: r.subject };
      // A ledger row without its HubSpot row cannot exist (one transaction writes both); should
      // one appear, it is answered with what the ledger knows rather than dropped from the page.
      return e ? { ...e, ...ledger } : { ...r };
    });
  };
}

/** HubSpot in events-api: object state, timelines, associations, lifecycle, subscription-type stats. */
export function hubspotApiPart(reader: EventReader): ApiPart {
  return {
    routes(app: FastifyInstance) {
      objectRoutes(app, reader);
      relationRoutes(app, reader);
    },
    present: hubspotPresenter(reader),
    listParams,
    changesParams,
  };
}
