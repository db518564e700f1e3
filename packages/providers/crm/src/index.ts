/** @module crm: CRM deal webhooks (provider `crm`), declared in SOURCES_FILE with `provider: crm`. */
export { crmProvider } from './provider.js';
export { PROVIDER, CRM_PATH, EVENT_HEADER } from './constants.js';
export { crmEntrySchema, loadCrmSources, crmRedactedHeaders, type CrmSource, type CrmEntryInput } from './config/load.js';
export { DEFAULT_RULES, rulesSchema, type Rule, type Action, type RuleInput } from './config/rules.js';
export { DEFAULT_STAGES, stageRanks, rankOf, type StageRanks } from './config/stages.js';
export { dealPayloadSchema, type DealPayload, type DealData } from './edge/payload-schema.js';
export { parseDealRequest, type DealRequest } from './edge/parse-request.js';
export { crmEdgePart } from './edge/part.js';
export { crmProcessorPart } from './processor/part.js';
export { advances, applyStatus, type DealState, type StatusEvent } from './processor/deal-state.js';
export { createDealReader, type DealReader, type DealView, type TimelineEntry } from './store/deal-reader.js';
export { CrmDeals1796140800000 } from './store/migration.js';
export { crmApiPart, presentCrmRows } from './api/part.js';
export { declaredEndpoints, STATUS_PATH } from './deliveries/endpoints.js';
export { actionEndpointId } from './deliveries/endpoint-id.js';
export { dealEventKey, dealKafkaKey } from './deal-keys.js';
export { loadCrmSettings, CrmSettingsSchema, DEFAULT_ACTION_RETRY_SCHEDULE, type CrmSettings } from './settings.js';
