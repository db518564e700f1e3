/**
 * `npm run receiver`: a local endpoint that prints every event the fleet relays to it, with
 * its webhook-id and whether its signature verified. Ctrl-C removes the endpoint again.
 * Uses the `npm start` defaults; override with EVENTS_API_URL, ADMIN_API_TOKENS, RECEIVER_PORT.
 */
import { LOCAL } from './local-defaults.js';
import { startSampleEndpoint } from './sample-endpoint.js';

const env = process.env;
const out = (line: string) => process.stdout.write(`${line}\n`);
const endpoint = await startSampleEndpoint({
  eventsApi: env.EVENTS_API_URL ?? `http://localhost:${LOCAL.eventsApiPort}`,
  adminToken: (env.ADMIN_API_TOKENS ?? LOCAL.adminToken).split(',')[0] ?? '',
  port: Number(env.RECEIVER_PORT ?? LOCAL.sampleReceiverPort),
  description: 'npm run receiver',
  onEvent: (e) =>
    out(
      `${e.verified ? 'verified' : 'BAD SIGNATURE'}  ${e.webhookId}  ${e.body.provider}/${e.body.source}  ${e.body.type}  ${JSON.stringify(e.body.data).slice(0, 160)}`,
    ),
});
out(`endpoint ${endpoint.id} → ${endpoint.url}: every event stored from now on is relayed here (Ctrl-C to stop)`);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    void endpoint.close().finally(() => process.exit(0));
  });
