export { startFakeHubSpot, type FakeHubSpot, type FakeHubSpotOptions, type FakeHubSpotCall } from './server.js';
export type { FakeFault } from './faults.js';
export type { FakeOAuth, FakeOAuthOptions, FakeOAuthCall } from './oauth.js';
export type { FakeWebhooks, FakeWebhooksOptions, FakeSubscription, FakeWebhookSettings } from './webhooks-api.js';
export type { UpsertInput as FakeHubSpotObject } from './store.js';
export { signedDelivery, type SignedDeliveryInput } from './delivery.js';
export { sampleEvent, sampleBatch } from './samples.js';
export { hubspotFixtures, hubspotFixture, hubspotFixtureNames, type HubSpotFixture } from './fixtures.js';
export { createMemoryTokenRepository } from './memory-token-repository.js';
