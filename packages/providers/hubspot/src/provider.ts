import { loadEdgeConfig, loadProcessorConfig } from '@hookstream/config';
import type { Provider } from '@hookstream/pipeline';
import { hubspotEdgePart, requireHubSpotEdge } from './edge/part.js';
import { createHubSpotProcessorPart } from './processor/part.js';
import { hubspotApiPart } from './api/part.js';
import { createEventReader } from './store/index.js';

/** HubSpot as one provider of the pipeline (see README "Adding a provider" for the shape). */
export const hubspotProvider: Provider = {
  id: 'hubspot',
  redact: () => ({ headers: ['x-hubspot-signature', 'x-hubspot-signature-v3'] }),
  edge: ({ env, log, now }) => hubspotEdgePart(requireHubSpotEdge(loadEdgeConfig(env)), log, now),
  api: ({ dataSource }) => hubspotApiPart(createEventReader(dataSource)),
  processor: (ctx) => createHubSpotProcessorPart(loadProcessorConfig(ctx.env as NodeJS.ProcessEnv), ctx),
};
