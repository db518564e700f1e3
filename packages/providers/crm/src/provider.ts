import { loadProcessorConfig } from '@hookstream/config';
import { loadSourcesFile, type Provider, type ProviderEnv } from '@hookstream/pipeline';
import { crmApiPart } from './api/part.js';
import { crmRedactedHeaders, loadCrmSources } from './config/load.js';
import { declaredEndpoints } from './deliveries/endpoints.js';
import { crmEdgePart } from './edge/part.js';
import { crmProcessorPart } from './processor/part.js';
import { createDealReader } from './store/deal-reader.js';
import { CrmDeals1796140800000 } from './store/migration.js';
import { crmTopics, loadCrmSettings } from './settings.js';

/**
 * Log paths that would hold a deal's customer if a payload were ever logged whole. Defence in
 * depth: no log line of this provider carries a payload (see the PII test).
 */
const PII_PATHS = ['customer', '*.customer', 'data.customer', '*.data.customer'];

/** The credential headers; events-api hosts the reads without SOURCES_FILE, so then the default header. */
function redactedHeaders(env: ProviderEnv): string[] {
  if (env.SOURCES_FILE === undefined || env.SOURCES_FILE === '') return ['x-api-key', 'authorization'];
  return crmRedactedHeaders(loadSourcesFile(env.SOURCES_FILE));
}

const sourcesOf = (env: ProviderEnv) => loadCrmSources(loadSourcesFile(loadCrmSettings(env).SOURCES_FILE));

/** CRM deal webhooks (the reference system's shape) with their deals' state and rule-driven actions. */
export const crmProvider: Provider = {
  id: 'crm',
  migrations: [CrmDeals1796140800000],
  redact: (env) => ({ headers: redactedHeaders(env), paths: PII_PATHS }),
  edge: (ctx) => {
    const settings = loadCrmSettings(ctx.env);
    return crmEdgePart({ sources: sourcesOf(ctx.env), topic: settings.CRM_KAFKA_TOPIC, bodyLimitBytes: settings.EDGE_BODY_LIMIT_BYTES }, ctx);
  },
  processor: (ctx) => {
    const settings = loadCrmSettings(ctx.env);
    const shared = loadProcessorConfig(ctx.env as NodeJS.ProcessEnv);
    return crmProcessorPart(
      {
        sources: sourcesOf(ctx.env),
        groupId: settings.CRM_KAFKA_GROUP_ID,
        topics: crmTopics(settings),
        retry: { maxAttempts: shared.PROCESSOR_MAX_ATTEMPTS, baseMs: shared.PROCESSOR_RETRY_BASE_MS, maxMs: shared.PROCESSOR_RETRY_MAX_MS },
      },
      ctx,
    );
  },
  // Reads need no settings: deals are read by the source name in the path.
  api: ({ ledger }) => crmApiPart(createDealReader(ledger)),
  deliveries: ({ env }) => ({ endpoints: declaredEndpoints(sourcesOf(env), loadCrmSettings(env).CRM_ACTION_RETRY_SCHEDULE) }),
};
