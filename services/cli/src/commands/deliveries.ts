import { positional, statusList, subcommand } from '../admin/args.js';
import { deliveryRows, type DeliveryView } from '../admin/format.js';
import { createAdminClient, type AdminClient } from '../admin/http.js';
import { loadAdminCliSettings } from '../admin/settings.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { parseFlags } from '../dlq/flags.js';

const SUBCOMMANDS = ['retry', 'event'] as const;

const RETRY_FLAGS = {
  'api-url': 'string',
  json: 'bool',
  endpoint: 'string',
  event: 'int',
  status: 'string',
  from: 'time',
  to: 'time',
  chunk: 'int',
  after: 'int',
} as const;

const EVENT_FLAGS = { 'api-url': 'string', json: 'bool', status: 'string' } as const;

const MAX_CHUNK = 10_000;

const endpointPath = (id: string): string => `/endpoints/${encodeURIComponent(id)}`;

/** One delivery, any state: back to pending, due now, with a new round of the schedule. */
async function retryOne(ctx: CommandContext, api: AdminClient, endpoint: string, eventId: number, json: boolean | undefined): Promise<number> {
  const r = await api.request<{ retried: number; delivery: DeliveryView }>('POST', `${endpointPath(endpoint)}/deliveries/${eventId}/retry`);
  if (json) ctx.out(JSON.stringify(r));
  else ctx.out(`retried delivery ${r.delivery.webhookId} (event ${eventId} to ${endpoint}): ${r.delivery.state}, due ${r.delivery.nextAttemptAt ?? 'now'}`);
  return 0;
}

/**
 * A selection, chunk by chunk: each call starts at most `chunk` deliveries again and answers
 * where the next chunk starts, so a large retry shows progress, and an interrupted one can go
 * on with --after.
 */
async function retryMany(
  ctx: CommandContext,
  api: AdminClient,
  endpoint: string,
  sel: { status?: string[]; from?: number; to?: number; chunk: number; after?: number },
  json: boolean | undefined,
): Promise<number> {
  let total = 0;
  let after = sel.after;
  const statuses = sel.status ?? ['dead'];
  for (;;) {
    const body = {
      status: statuses,
      limit: sel.chunk,
      ...(sel.from !== undefined ? { from: new Date(sel.from).toISOString() } : {}),
      ...(sel.to !== undefined ? { to: new Date(sel.to).toISOString() } : {}),
      ...(after !== undefined ? { after } : {}),
    };
    const r = await api.request<{ retried: number; next: number | null }>('POST', `${endpointPath(endpoint)}/retry`, body);
    total += r.retried;
    if (r.next === null) break;
    // Progress on stderr, so stdout carries only the result.
    ctx.err(`retried ${total} so far`);
    after = r.next;
    if (ctx.signal?.aborted) {
      ctx.out(`interrupted: retried ${total} deliveries of ${endpoint}; continue with the same command and --after ${after}`);
      return 130;
    }
  }
  if (json) ctx.out(JSON.stringify({ endpointId: endpoint, retried: total, status: statuses }));
  else ctx.out(`retried ${total} deliver${total === 1 ? 'y' : 'ies'} of ${endpoint} (status ${statuses.join(',')}): pending again, due now`);
  return 0;
}

/** Deliveries and manual retries through events-api's admin API (HOOKSTREAM_API_URL, HOOKSTREAM_ADMIN_TOKEN). */
export const command: Command = {
  name: 'deliveries',
  summary: 'retry deliveries (one, an endpoint’s dead ones, a time range; with progress) and show an event’s deliveries',
  usage: [
    'deliveries <subcommand> [--api-url URL (default HOOKSTREAM_API_URL)] [--json]   (env: HOOKSTREAM_ADMIN_TOKEN)',
    '  deliveries retry --endpoint ID --event N                 one delivery, whatever its state',
    '  deliveries retry --endpoint ID [--status dead,pending (default dead)] [--from TIME] [--to TIME] [--chunk N (default 1000)] [--after EVENT-ID]',
    '      (TIME: epoch ms or ISO-8601, when the delivery was created; progress on stderr)',
    '  deliveries event N [--status pending,succeeded,dead]      one event’s deliveries to every endpoint',
  ].join('\n'),
  async run(ctx) {
    const { sub, rest } = subcommand(ctx.args, SUBCOMMANDS);
    if (sub === 'event') {
      const { value, flags: flagArgs } = positional(rest, 'event id');
      if (!/^[1-9]\d{0,15}$/.test(value)) throw new UsageError(`the event id must be a positive integer, got "${value}"`);
      const flags = parseFlags(flagArgs, EVENT_FLAGS);
      const states = statusList(flags.status);
      const api = createAdminClient(loadAdminCliSettings(ctx.env), ctx, flags['api-url']);
      const shown: DeliveryView[] = [];
      let cursor: string | null = null;
      do {
        const qs = new URLSearchParams({ limit: '1000' });
        if (states) qs.set('status', states.join(','));
        if (cursor) qs.set('cursor', cursor);
        const page: { deliveries: DeliveryView[]; next: string | null } = await api.request('GET', `/events/${value}/deliveries?${qs.toString()}`);
        shown.push(...page.deliveries);
        cursor = page.next;
      } while (cursor);
      if (flags.json) for (const d of shown) ctx.out(JSON.stringify(d));
      else {
        if (shown.length > 0) for (const l of deliveryRows(shown)) ctx.out(l);
        ctx.out(`${shown.length} deliver${shown.length === 1 ? 'y' : 'ies'} of event ${value}`);
      }
      return 0;
    }

    const flags = parseFlags(rest, RETRY_FLAGS);
    if (!flags.endpoint) throw new UsageError('--endpoint is required');
    if (flags.event !== undefined) {
      const extra = (['status', 'from', 'to', 'chunk', 'after'] as const).filter((f) => flags[f] !== undefined);
      if (extra.length > 0) throw new UsageError(`--event retries one delivery whatever its state; --${extra.join(', --')} do not apply`);
    }
    if (flags.from !== undefined && flags.to !== undefined && flags.to < flags.from) throw new UsageError('--to is before --from');
    if (flags.chunk !== undefined && flags.chunk > MAX_CHUNK) throw new UsageError(`--chunk is at most ${MAX_CHUNK}`);
    const status = statusList(flags.status);
    const api = createAdminClient(loadAdminCliSettings(ctx.env), ctx, flags['api-url']);
    if (flags.event !== undefined) return retryOne(ctx, api, flags.endpoint, flags.event, flags.json);
    return retryMany(
      ctx,
      api,
      flags.endpoint,
      {
        chunk: flags.chunk ?? 1000,
        ...(status ? { status } : {}),
        ...(flags.from !== undefined ? { from: flags.from } : {}),
        ...(flags.to !== undefined ? { to: flags.to } : {}),
        ...(flags.after !== undefined ? { after: flags.after } : {}),
      },
      flags.json,
    );
  },
};
