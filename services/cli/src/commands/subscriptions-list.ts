import { createWebhooksApiClient, loadSubscriptionsCliConfig, formatSubscriptionSpec } from '@hookstream/hubspot';
import { UsageError, type Command } from '../command.js';
import { parseFlags } from '../dlq/flags.js';

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** Read-only: the app's webhook target and every subscription, active or paused. */
export const command: Command = {
  name: 'subscriptions:list',
  summary: 'show the HubSpot app’s webhook target URL and subscriptions (read-only)',
  usage: 'subscriptions:list [--app-id N (default HUBSPOT_APP_ID)] [--json]   (env: HUBSPOT_DEVELOPER_API_KEY)',
  async run(ctx) {
    const flags = parseFlags(ctx.args, { 'app-id': 'int', json: 'bool' });
    const config = loadSubscriptionsCliConfig(ctx.env);
    const appId = flags['app-id'] ?? config.HUBSPOT_APP_ID;
    if (appId === undefined) throw new UsageError('--app-id or HUBSPOT_APP_ID is required');
    const api = createWebhooksApiClient({ baseUrl: config.HUBSPOT_API_BASE_URL, appId, developerApiKey: config.HUBSPOT_DEVELOPER_API_KEY });
    const [settings, subs] = await Promise.all([api.getSettings(), api.listSubscriptions()]);
    if (flags.json) {
      ctx.out(JSON.stringify({ appId, settings: settings ?? null, subscriptions: subs }));
      return 0;
    }
    ctx.out(
      settings
        ? `app ${appId}: target URL ${settings.targetUrl}, at most ${settings.throttling.maxConcurrentRequests} concurrent requests`
        : `app ${appId}: no target URL set`,
    );
    const sorted = [...subs].sort(
      (a, b) => a.eventType.localeCompare(b.eventType) || (a.propertyName ?? '').localeCompare(b.propertyName ?? '') || Number(a.id) - Number(b.id),
    );
    const rows = [
      ['ID', 'SUBSCRIPTION', 'ACTIVE', 'CREATED'],
      ...sorted.map((s) => [s.id, formatSubscriptionSpec(s), s.active ? 'yes' : 'paused', s.createdAt ?? '']),
    ];
    for (const line of table(rows)) ctx.out(line);
    ctx.out(`${subs.length} subscription${subs.length === 1 ? '' : 's'}, ${subs.filter((s) => s.active).length} active`);
    return 0;
  },
};
