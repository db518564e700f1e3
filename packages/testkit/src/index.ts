export {};
// Local infrastructure for tests and the local fleet (Kafka broker, database server).
export { startKafka, isLocalKafka, parseBrokerList, type StartKafkaOptions } from './infra/kafka.js';
export { startLocalKafka, type LocalKafkaHandle, type LocalKafkaOptions } from './infra/kafka-local.js';
export { startKafkaCluster, type KafkaCluster, type KafkaClusterNode, type KafkaClusterOptions } from './infra/kafka-cluster.js';
export type { KafkaHandle, InfraSource } from './infra/kafka-types.js';
export { kafkaJarsDir, type KafkaJarsOptions } from './infra/kafka-jars.js';
export { KAFKA_VERSION, cacheRoot, kafkaCacheDir } from './infra/paths.js';
export { startDatabaseServer, LOCAL_DATABASE_URL, type DatabaseServer, type StartDatabaseServerOptions } from './infra/database-server.js';
export { createDatabase, ensureDatabase, dropDatabase, uniqueName, serverUrlOf } from './infra/database.js';
export { testDatabase, type TestDatabase } from './infra/test-database.js';
export { InfraError, type InfraErrorCode } from './infra/errors.js';
export { freePort } from './infra/net.js';
export { makeTestPki, type TestPki } from './infra/tls.js';
export { startTlsMariaDb, type TlsMariaDb } from './infra/mariadb-tls.js';
export type {} from './infra/provided.js';
// Fake HubSpot CRM API and signed webhook deliveries (helper A).
export {
  startFakeHubSpot,
  signedDelivery,
  sampleEvent,
  sampleBatch,
  hubspotFixtures,
  hubspotFixture,
  hubspotFixtureNames,
  createMemoryTokenRepository,
  type HubSpotFixture,
  type FakeHubSpot,
  type FakeHubSpotOptions,
  type FakeHubSpotCall,
  type FakeFault,
  type FakeHubSpotObject,
  type FakeOAuth,
  type FakeOAuthOptions,
  type FakeOAuthCall,
  type FakeWebhooks,
  type FakeWebhooksOptions,
  type FakeSubscription,
  type FakeWebhookSettings,
  type SignedDeliveryInput,
} from './hubspot/index.js';
// Fault injection: TCP proxy that cuts a service off, HubSpot-like traffic generator, figures (issue #4).
export {
  startTcpProxy,
  createRandom,
  createWorkload,
  eventKeyOf,
  createLedger,
  refusedOnly,
  neverAcknowledged,
  createTrafficGenerator,
  formatFigures,
  summarizeAnswers,
  SNAPSHOT_CREATED_AT,
  SNAPSHOT_UPDATED_AT,
  type TcpProxy,
  type TcpProxyOptions,
  type CutMode,
  type Random,
  type Workload,
  type WorkloadObject,
  type WorkloadObjectType,
  type WorkloadOptions,
  type Ledger,
  type DeliveryOutcome,
  type TrafficGenerator,
  type GeneratorOptions,
  type GeneratorStats,
  type DeliveryAnswer,
  type AnswerWindow,
  type WindowSummary,
  type FaultFigures,
  type FaultRecord,
} from './fault/index.js';
// Property-based cases of bad webhook requests for the edge (issue #4 item 4).
export { webhookFuzzCase, WEBHOOK_FUZZ_STATUSES, type WebhookFuzzCase, type WebhookFuzzOptions } from './fuzz/webhook-cases.js';
// Fake Brevo transactional e-mail API: real HTTP, documented shapes, rate limiting, outages (issue #10).
export {
  startFakeBrevo,
  FAKE_BREVO_API_KEY,
  type FakeBrevo,
  type FakeBrevoOptions,
  type FakeBrevoEmail,
  type FakeBrevoRequest,
  type FakeBrevoFaultStatus,
  type FakeBrevoArrival,
  type FakeBrevoRateLimit,
  type FakeBrevoEmailBody,
  type FakeBrevoBadRequest,
} from './brevo/index.js';
// Fake Meta Conversions API: Graph shapes, whole-batch code 100, runtime modes (issue #10).
export {
  startFakeMeta,
  ACTION_SOURCES as META_ACTION_SOURCES,
  HASHED_KEYS as META_HASHED_KEYS,
  type FakeMeta,
  type FakeMetaCall,
  type FakeMetaEvent,
  type FakeMetaMode,
  type FakeMetaOptions,
  type GraphErrorBody,
} from './meta/index.js';
// Local S3-compatible server for the raw archive's tests: Adobe's S3Mock from Maven Central (issue #11).
export {
  startLocalS3,
  s3mockJar,
  s3mockCacheDir,
  S3MOCK_VERSION,
  LocalS3Error,
  type LocalS3,
  type LocalS3Options,
  type LocalS3ErrorCode,
  type S3MockJarOptions,
} from './s3/index.js';
