import { loadProcessorConfig } from '@hookstream/config';
import { loadSourcesFile, type Provider, type ProviderEnv } from '@hookstream/pipeline';
import { locationApiPart } from './api/part.js';
import { loadLocationSources, locationRedactedHeaders } from './config/load.js';
import { locationEdgePart } from './edge/part.js';
import { locationProcessorPart } from './processor/part.js';
import { loadLocationSettings, locationTopics } from './settings.js';
import { Location1796212800000 } from './store/migration.js';

/** Positions are personal data: log paths that would hold one if a payload were ever logged whole. */
const PII_PATHS = ['location', '*.location', 'raw.location', '*.raw.location', 'user.location', '*.user.location'];

/** The produce timeout of the geofence stream: a slow broker only delays the stream, the sweeper catches up. */
const STREAM_PRODUCE_TIMEOUT_MS = 10_000;

function redactedHeaders(env: ProviderEnv): string[] {
  if (env.SOURCES_FILE === undefined || env.SOURCES_FILE === '') return ['x-radar-signature', 'x-api-key', 'authorization'];
  return locationRedactedHeaders(loadSourcesFile(env.SOURCES_FILE));
}

const sourcesOf = (env: ProviderEnv) => loadLocationSources(loadSourcesFile(loadLocationSettings(env).SOURCES_FILE));

/** Location and trip webhooks (Radar's and the reference system's shapes) with tracks, trips and geofence entries and exits. */
export const locationProvider: Provider = {
  id: 'location',
  migrations: [Location1796212800000],
  redact: (env) => ({ headers: redactedHeaders(env), paths: PII_PATHS }),
  edge: (ctx) => {
    const settings = loadLocationSettings(ctx.env);
    return locationEdgePart({ sources: sourcesOf(ctx.env), topic: settings.LOCATION_KAFKA_TOPIC, bodyLimitBytes: settings.EDGE_BODY_LIMIT_BYTES }, ctx);
  },
  processor: (ctx) => {
    const settings = loadLocationSettings(ctx.env);
    const shared = loadProcessorConfig(ctx.env as NodeJS.ProcessEnv);
    return locationProcessorPart(
      {
        groupId: settings.LOCATION_KAFKA_GROUP_ID,
        topics: locationTopics(settings),
        geofenceTopic: settings.GEOFENCE_EVENTS_TOPIC,
        retry: { maxAttempts: shared.PROCESSOR_MAX_ATTEMPTS, baseMs: shared.PROCESSOR_RETRY_BASE_MS, maxMs: shared.PROCESSOR_RETRY_MAX_MS },
        dwellMs: settings.GEOFENCE_DWELL_MS,
        exitMarginM: settings.GEOFENCE_EXIT_MARGIN_M,
        refreshMs: settings.GEOFENCE_REFRESH_MS,
        republishAfterMs: settings.GEOFENCE_REPUBLISH_AFTER_MS,
        produceTimeoutMs: STREAM_PRODUCE_TIMEOUT_MS,
      },
      ctx,
    );
  },
  // Reads and geofence changes need no settings.
  api: ({ dataSource, now }) => locationApiPart(dataSource, now),
};
