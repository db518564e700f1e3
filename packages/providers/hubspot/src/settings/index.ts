/** HubSpot's settings: each schema extends the host's shared one (@hookstream/config) with HubSpot's own keys. */
export { HubSpotEdgeSchema, loadHubSpotEdgeConfig, type HubSpotEdgeConfig } from './edge.js';
export { HubSpotProcessorSchema, loadHubSpotProcessorConfig, DEFAULT_ENRICH_PROPERTIES, type HubSpotProcessorConfig } from './processor.js';
export { SubscriptionsCliSchema, loadSubscriptionsCliConfig, type SubscriptionsCliConfig } from './subscriptions-cli.js';
export { DEFAULT_OAUTH_SCOPES } from './oauth.js';
export { DEFAULT_HUBSPOT_TOPIC, DEFAULT_HUBSPOT_DLQ_TOPIC } from './topics.js';
