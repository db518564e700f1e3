/** @module hubspot: HubSpot webhook signatures, event validation, object types, CRM batch read. */
export {
  verifySignature,
  signV1,
  signV2,
  signV3,
  signedHeaders,
  DEFAULT_TOLERANCE_MS,
  type SignatureVersion,
  type VerifyInput,
  type VerifyResult,
  type SignedHeadersInput,
} from './signature.js';
export { normalizeV3Uri, publicRequestUrl, type PublicRequestUrlOptions } from './uri.js';
export { findUnstorable, MAX_EVENT_DEPTH } from './storable.js';
export { parseWebhookBatch, EVENT_FIELD_LIMITS, type HubSpotEvent, type BatchParse } from './events.js';
export { objectTypeOf, objectTypeForId, eventKey, crmApiObjectType } from './object-types.js';
export {
  classifySubscriptionType,
  isKnownSubscriptionType,
  KNOWN_SUBSCRIPTION_TYPES,
  LEGACY_SUBSCRIPTIONS,
  GENERIC_ACTIONS,
  STANDARD_OBJECT_TYPE_IDS,
  type SubscriptionFamily,
  type SubscriptionTypeInfo,
} from './subscription-types.js';
export { associationFactsOf, mergeFactOf, type AssociationFact, type MergeFact } from './event-details.js';
export { createBatchReadClient, MAX_IDS_PER_CALL } from './batch-read/client.js';
export {
  HubSpotApiError,
  HubSpotUnavailableError,
  HubSpotRateLimitedError,
  HubSpotAuthError,
  HubSpotNoTokenError,
  HubSpotBadRequestError,
} from './batch-read/errors.js';
export type { CrmObject, BatchReadResult, BatchReadClientOptions, BatchReadInput, BatchReadClient } from './batch-read/types.js';
export { createTokenCipher, parseEncryptionKey, keyIdFor, type TokenCipher, type TokenCipherOptions } from './oauth/cipher.js';
export { createOAuthClient, classifyTokenFailure, type OAuthClient, type OAuthClientOptions, type TokenGrant, type AccessTokenInfo } from './oauth/client.js';
export { buildAuthorizeUrl, createStateSigner, HUBSPOT_AUTHORIZE_URL, type AuthorizeUrlInput, type StateSigner, type IssuedState } from './oauth/authorize.js';
export { createTokenProvider, type TokenProvider, type TokenProviderOptions } from './oauth/token-provider.js';
export { completeInstall, type InstallDeps, type InstalledPortal } from './oauth/install.js';
export { HubSpotOAuthError, OAuthStateError, TokenCipherError, type OAuthFailureKind, type TokenCipherErrorCode } from './oauth/errors.js';
export { tokenContext, type PortalTokenRecord, type PortalTokenRepository, type PortalTokenStatus, type RefreshedTokens } from './oauth/types.js';
export {
  createWebhooksApiClient,
  existingSubscriptionId,
  HubSpotWebhooksApiError,
  WebhookSubscriptionExistsError,
  type WebhooksApiClient,
  type WebhooksApiClientOptions,
  type WebhookSettings,
  type WebhookSubscription,
  type SubscriptionInput,
} from './webhooks-api/client.js';
export {
  setupSubscriptions,
  parseSubscriptionSpec,
  formatSubscriptionSpec,
  type SetupInput,
  type SetupReport,
  type SubscriptionAction,
} from './webhooks-api/setup.js';
export { createPortalTokenRepository, makePortalEnrichmentDue } from './store/portal-token-repository.js';
export {
  HubSpotEdgeSchema,
  loadHubSpotEdgeConfig,
  HubSpotProcessorSchema,
  loadHubSpotProcessorConfig,
  DEFAULT_ENRICH_PROPERTIES,
  DEFAULT_OAUTH_SCOPES,
  DEFAULT_HUBSPOT_TOPIC,
  DEFAULT_HUBSPOT_DLQ_TOPIC,
  SubscriptionsCliSchema,
  loadSubscriptionsCliConfig,
  type HubSpotEdgeConfig,
  type HubSpotProcessorConfig,
  type SubscriptionsCliConfig,
} from './settings/index.js';
export { hubspotProvider } from './provider.js';
export { hubspotEdgePart } from './edge/part.js';
export { hubspotIngress, WEBHOOK_PATH } from './edge/ingress.js';
export { createEdgeOAuth, type EdgeOAuth } from './edge/oauth-wiring.js';
export { oauthRoutes, type OAuthRouteOptions } from './edge/oauth-routes.js';
export { createHubSpotProcessorPart, type HubSpotProcessorPart } from './processor/part.js';
export { createBatchHandler, createHubSpotStep } from './processor/batch-handler.js';
export { createEnricher, type Enricher, type EnrichmentOutcome } from './processor/enrich.js';
export { stateUpdatesFor, snapshotUpdate, actionOf } from './processor/state-updates.js';
export { hubspotApiPart, hubspotPresenter } from './api/part.js';
export * from './store/index.js';
