import type { ApiPart, ListParams, Presenter } from '@hookstream/pipeline';
import { badRequest } from '@hookstream/pipeline';
import { isDealId, MAX_DEAL_ID_LENGTH } from '../config/tokens.js';
import type { DealReader } from '../store/deal-reader.js';
import { dealRoutes } from './routes.js';

/** GET /events?dealId=…: one deal's events across its statuses (the ledger's subject). */
const listParams: ListParams = {
  parsers: {
    dealId: (name, raw) => {
      if (!isDealId(raw)) throw badRequest(name, `must be 1-${MAX_DEAL_ID_LENGTH} characters without control characters or outer spaces`);
      return raw;
    },
  },
  toFilter: (v) => (v.dealId !== undefined ? { subject: { eq: v.dealId as string } } : {}),
};

/**
 * A CRM row in GET /events: the ledger's fields, as for generic sources, plus the deal and
 * status it is about, read from the key (`<dealId>:<status>`, the status has no ':').
 */
export const presentCrmRows: Presenter = async (rows) =>
  rows.map((r) => {
    const cut = r.idempotencyKey.lastIndexOf(':');
    return { ...r, dealId: r.subject, status: cut === -1 ? null : r.idempotencyKey.slice(cut + 1) };
  });

export function crmApiPart(reader: DealReader): ApiPart {
  return { routes: (app) => dealRoutes(app, reader), present: presentCrmRows, listParams };
}
