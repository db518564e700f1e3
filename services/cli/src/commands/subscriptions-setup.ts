import { createWebhooksApiClient, loadSubscriptionsCliConfig, parseSubscriptionSpec, setupSubscriptions, type SubscriptionInput } from '@hookstream/hubspot';
import { UsageError, type Command } from '../command.js';
import { parseFlags } from '../dlq/flags.js';

/**
 * What HubSpot's webhook sample app does at start-up, as an operator command: set the app's
 * target URL, then create or re-activate the chosen subscriptions. Safe to rerun.
 */
export const command: Command = {
  name: 'subscriptions:setup',
  summary: 'point the HubSpot app’s webhooks at a URL and create/activate subscriptions (idempotent)',
  usage:
    'subscriptions:setup --types contact.creation,contact.propertyChange:email,object.creation@0-1,... [--target-url URL (default PUBLIC_URL/webhooks/hubspot)] [--app-id N (default HUBSPOT_APP_ID)] [--max-concurrent N (>5)] [--pause-others]   (env: HUBSPOT_DEVELOPER_API_KEY)',
  async run(ctx) {
    const flags = parseFlags(ctx.args, { 'target-url': 'string', types: 'string', 'app-id': 'int', 'max-concurrent': 'int', 'pause-others': 'bool' });
    if (!flags.types) throw new UsageError('--types is required');
    let specs: SubscriptionInput[];
    try {
      specs = flags.types
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean)
        .map(parseSubscriptionSpec);
    } catch (err) {
      throw new UsageError(`--types: ${(err as Error).message}`);
    }
    if (flags['max-concurrent'] !== undefined && flags['max-concurrent'] <= 5)
      throw new UsageError('--max-concurrent must be greater than 5 (HubSpot’s minimum)');
    const config = loadSubscriptionsCliConfig(ctx.env);
    const appId = flags['app-id'] ?? config.HUBSPOT_APP_ID;
    if (appId === undefined) throw new UsageError('--app-id or HUBSPOT_APP_ID is required');
    const targetUrl = flags['target-url'] ?? (config.PUBLIC_URL ? `${config.PUBLIC_URL.replace(/\/+$/, '')}/webhooks/hubspot` : undefined);
    if (!targetUrl) throw new UsageError('--target-url is required when PUBLIC_URL is not set');
    if (!/^https?:\/\/\S+$/.test(targetUrl)) throw new UsageError(`--target-url must be an http(s) URL, got "${targetUrl}"`);
    if (!targetUrl.startsWith('https://')) ctx.err('warning: HubSpot delivers webhooks to https:// target URLs; an http:// URL only suits a local fake');

    const api = createWebhooksApiClient({ baseUrl: config.HUBSPOT_API_BASE_URL, appId, developerApiKey: config.HUBSPOT_DEVELOPER_API_KEY });
    const report = await setupSubscriptions(api, {
      targetUrl,
      subscriptions: specs,
      ...(flags['max-concurrent'] !== undefined ? { maxConcurrentRequests: flags['max-concurrent'] } : {}),
      ...(flags['pause-others'] ? { pauseOthers: true } : {}),
    });
    ctx.out(`app ${appId}: target URL ${report.targetUrl} (${report.settings})`);
    for (const s of report.subscriptions) ctx.out(`  ${s.action.padEnd(9)} ${s.spec} (id ${s.id})`);
    const changed = report.subscriptions.filter((s) => s.action !== 'unchanged').length;
    ctx.out(changed === 0 && report.settings === 'unchanged' ? 'nothing to change' : `${changed} subscription${changed === 1 ? '' : 's'} changed`);
    ctx.out('HubSpot caches webhook settings for up to 5 minutes; new deliveries may take that long to follow.');
    return 0;
  },
};
