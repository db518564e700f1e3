/**
 * Settings of the local fleet when the environment gives none. They are for a laptop only:
 * the secret signs sample deliveries, the token reads them back.
 */
export const LOCAL = {
  clientSecret: 'hookstream-local-client-secret',
  eventsApiToken: 'hookstream-local-events-token',
  /** Manages delivery endpoints (events-api's admin routes, the CLI's endpoints commands). */
  adminToken: 'hookstream-local-admin-token',
  fakeHubSpotToken: 'hookstream-local-hubspot-token',
  fakeMetaToken: 'hookstream-local-meta-token',
  fakeMetaPixelId: '1234567890',
  brevoSender: 'deals@hookstream.local',
  edgePort: 8080,
  eventsApiPort: 8081,
  kafkaPort: 9092,
  firstProcessorHealthPort: 9101,
  dispatcherHealthPort: 9201,
  /** Where `npm run sample` and `npm run receiver` listen for the deliveries they register. */
  sampleReceiverPort: 8090,
  databaseName: 'hookstream',
  samplePortalId: 62515,
  providers: 'hubspot,sources,crm,location',
  /** Relative to the repository root. */
  sourcesFile: 'packages/providers/sources/examples/sources.yaml',
  /** The sample file's `notifications` source key. */
  sampleSourceKey: 'dev-notifications-key-0001',
  /** The sample file's `crm` source key. */
  sampleCrmKey: 'dev-crm-key-0001',
  /** The sample file's `tracker` location source key. */
  sampleTrackerKey: 'dev-tracker-key-0001',
} as const;
