import type { Provider } from '@hookstream/pipeline';
import { hubspotEdgePart } from './edge/part.js';
import { createHubSpotProcessorPart } from './processor/part.js';
import { hubspotApiPart } from './api/part.js';
import { loadHubSpotEdgeConfig } from './settings/edge.js';
import { loadHubSpotProcessorConfig } from './settings/processor.js';
import { createEventReader } from './store/index.js';

/** HubSpot as one provider of the pipeline (see README "Adding a provider" for the shape). */
export const hubspotProvider: Provider = {
  id: 'hubspot',
  // The signature headers carry HMACs of the client secret; the settings paths cover a logged config value.
  redact: () => ({ headers: ['x-hubspot-signature', 'x-hubspot-signature-v3'], paths: ['config.HUBSPOT_CLIENT_SECRET', 'config.HUBSPOT_ACCESS_TOKEN'] }),
  edge: ({ env, log, now }) => hubspotEdgePart(loadHubSpotEdgeConfig(env), log, now),
  api: ({ dataSource }) => hubspotApiPart(createEventReader(dataSource)),
  processor: (ctx) => createHubSpotProcessorPart(loadHubSpotProcessorConfig(ctx.env), ctx),
};
