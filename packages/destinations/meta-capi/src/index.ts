/**
 * @module meta-capi: the Meta Conversions API as a delivery destination (issue #10). CRM deal
 * events become server events with hashed customer data, batched per pixel, with invalid
 * events isolated so they never sink the rest of a batch.
 */
export { createMetaCapiDestination, type MetaDestinationOptions } from './destination.js';
export { MetaSettingsSchema, type MetaSettings } from './settings.js';
export { MetaDestinationConfigSchema, parseMetaConfig, type MetaDestinationConfig } from './config.js';
export { hashField, normalize, sha256Hex, isSha256Hex, type HashedField } from './hash.js';
export { buildUserData, type UserData } from './user-data.js';
export { prepareEvent, MAX_EVENT_AGE_SEC, type Prepared, type ServerEvent } from './event.js';
export { classify, parseGraphError, type GraphError, type Verdict } from './response.js';
export { MAX_EVENTS_PER_REQUEST, DEFAULT_MAX_REQUESTS } from './batch.js';
