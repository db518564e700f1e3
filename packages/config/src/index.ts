/** @module config: each service's settings, validated once at start-up and passed as a frozen value. */
export { ConfigError } from './errors.js';
export { parseEnv } from './parse.js';
export { EdgeSchema, loadEdgeConfig, type EdgeConfig } from './edge.js';
export { ProcessorSchema, loadProcessorConfig, DEFAULT_ENRICH_PROPERTIES, type ProcessorConfig } from './processor.js';
export { DlqCliSchema, loadDlqCliConfig, type DlqCliConfig } from './dlq-cli.js';
export { SubscriptionsCliSchema, loadSubscriptionsCliConfig, type SubscriptionsCliConfig } from './subscriptions-cli.js';
export { DEFAULT_OAUTH_SCOPES } from './oauth.js';
export * as fields from './fields.js';
