import { loadProcessorConfig } from '@hookstream/config';
import { loadSourcesFile, type Provider } from '@hookstream/pipeline';
import { compileSources, sourcesRedactedHeaders } from './compile.js';
import { sourcesEdgePart } from './edge.js';
import { sourcesProcessorPart } from './processor.js';
import { loadSourcesSettings } from './settings.js';

/** Generic sources from SOURCES_FILE: validated against their JSON Schemas, stored in the ledger. */
export const sourcesProvider: Provider = {
  id: 'sources',
  redact: (env) => ({ headers: sourcesRedactedHeaders(loadSourcesFile(loadSourcesSettings(env).SOURCES_FILE)) }),
  edge: ({ env, now }) => {
    const settings = loadSourcesSettings(env);
    const sources = compileSources(loadSourcesFile(settings.SOURCES_FILE));
    return sourcesEdgePart(sources, settings.SOURCES_KAFKA_TOPIC, settings.EDGE_BODY_LIMIT_BYTES, now);
  },
  processor: (ctx) => {
    const settings = loadSourcesSettings(ctx.env);
    const shared = loadProcessorConfig(ctx.env as NodeJS.ProcessEnv);
    return sourcesProcessorPart(
      {
        topic: settings.SOURCES_KAFKA_TOPIC,
        groupId: settings.SOURCES_KAFKA_GROUP_ID,
        retry: { maxAttempts: shared.PROCESSOR_MAX_ATTEMPTS, baseMs: shared.PROCESSOR_RETRY_BASE_MS, maxMs: shared.PROCESSOR_RETRY_MAX_MS },
      },
      ctx,
    );
  },
};
