import type { Logger } from '@hookstream/observability';
import type { EdgePart } from '@hookstream/pipeline';
import type { HubSpotEdgeConfig } from '../settings/edge.js';
import { hubspotIngress, WEBHOOK_PATH } from './ingress.js';
import { oauthRoutes } from './oauth-routes.js';
import { createEdgeOAuth } from './oauth-wiring.js';

/** HubSpot at the edge: the signed webhook route and, with HUBSPOT_CLIENT_ID, the OAuth install flow. */
export function hubspotEdgePart(config: HubSpotEdgeConfig, log: Logger, now: () => number = Date.now): EdgePart {
  const oauth = createEdgeOAuth(config, log, now);
  return {
    routes: [hubspotIngress(config, now)],
    plugins: oauth ? [async (app) => void (await app.register(oauthRoutes, oauth.routes))] : [],
    topics: [config.KAFKA_TOPIC],
    describe: (publicUrl) => ({
      hubspot: publicUrl
        ? `${publicUrl.replace(/\/$/, '')}${WEBHOOK_PATH}`
        : `${WEBHOOK_PATH} (PUBLIC_URL unset: v2/v3 signatures are checked against the Host header)`,
      ...(oauth ? { oauthInstall: oauth.routes.redirectUri.replace(/\/oauth\/callback$/, '/oauth/install') } : {}),
    }),
    close: async () => oauth?.close(),
  };
}
