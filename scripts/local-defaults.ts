/**
 * Settings of the local fleet when the environment gives none. They are for a laptop only:
 * the secret signs sample deliveries, the token reads them back.
 */
export const LOCAL = {
  clientSecret: 'hookstream-local-client-secret',
  eventsApiToken: 'hookstream-local-events-token',
  fakeHubSpotToken: 'hookstream-local-hubspot-token',
  edgePort: 8080,
  eventsApiPort: 8081,
  kafkaPort: 9092,
  firstProcessorHealthPort: 9101,
  databaseName: 'hookstream',
  samplePortalId: 62515,
  providers: 'hubspot,sources',
  /** Relative to the repository root. */
  sourcesFile: 'packages/providers/sources/examples/sources.yaml',
  /** The sample file's `notifications` source key. */
  sampleSourceKey: 'dev-notifications-key-0001',
} as const;
