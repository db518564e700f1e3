/** The ledger's `provider` column, the PROVIDERS name and `provider:` in SOURCES_FILE. */
export const PROVIDER = 'crm';

/** The reference system's path; `:provider` names a SOURCES_FILE entry with `provider: crm`. */
export const CRM_PATH = '/api/v1/webhook/:provider';

/** The header that names what happened to the deal (`deal_created`, `deal_updated`, …). */
export const EVENT_HEADER = 'x-event';
