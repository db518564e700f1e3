import { positional, statusList, subcommand } from '../admin/args.js';
import { deliveryRows, endpointLines, endpointRows, type DeliveryView, type EndpointView } from '../admin/format.js';
import { createAdminClient, type AdminClient } from '../admin/http.js';
import { loadAdminCliSettings } from '../admin/settings.js';
import { UsageError, type Command, type CommandContext } from '../command.js';
import { parseFlags, type FlagSpec, type FlagValues } from '../dlq/flags.js';

const SUBCOMMANDS = ['create', 'list', 'show', 'enable', 'disable', 'delete', 'rotate-secret', 'deliveries'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

const COMMON = { 'api-url': 'string', json: 'bool' } as const satisfies FlagSpec;

const FLAGS = {
  create: {
    ...COMMON,
    url: 'string',
    description: 'string',
    'filter-json': 'string',
    ordered: 'bool',
    'rate-limit': 'int',
    'max-in-flight': 'int',
    disabled: 'bool',
  },
  list: COMMON,
  show: COMMON,
  enable: COMMON,
  disable: COMMON,
  delete: COMMON,
  'rotate-secret': COMMON,
  deliveries: { ...COMMON, status: 'string', limit: 'int' },
} as const satisfies Record<Sub, FlagSpec>;

const DEFAULT_DELIVERIES_SHOWN = 100;
const PAGE = 1000;

interface Run<S extends FlagSpec> {
  ctx: CommandContext;
  api: AdminClient;
  flags: FlagValues<S>;
  id: string;
}

const path = (id: string): string => `/endpoints/${encodeURIComponent(id)}`;

function print(ctx: CommandContext, json: boolean | undefined, value: unknown, lines: () => string[]): void {
  if (json) ctx.out(JSON.stringify(value));
  else for (const l of lines()) ctx.out(l);
}

function parseFilter(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  let filter: unknown;
  try {
    filter = JSON.parse(raw);
  } catch {
    throw new UsageError('--filter-json must be JSON, e.g. \'{"types":["contact.*"],"match":{"data.status":"paid"}}\'');
  }
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new UsageError('--filter-json must be a JSON object');
  return filter as Record<string, unknown>;
}

async function create({ ctx, api, flags }: Run<(typeof FLAGS)['create']>): Promise<number> {
  if (!flags.url) throw new UsageError('--url is required');
  const filter = parseFilter(flags['filter-json']);
  const body = {
    url: flags.url,
    ...(flags.description !== undefined ? { description: flags.description } : {}),
    ...(filter ? { filter } : {}),
    ...(flags.ordered ? { ordered: true } : {}),
    ...(flags['rate-limit'] !== undefined ? { rateLimitPerSecond: flags['rate-limit'] } : {}),
    ...(flags['max-in-flight'] !== undefined ? { maxInFlight: flags['max-in-flight'] } : {}),
    ...(flags.disabled ? { enabled: false } : {}),
  };
  const created = await api.request<EndpointView & { secret: string }>('POST', '/endpoints', body);
  // The secret goes to stdout with the result: it is shown this once and never logged.
  print(ctx, flags.json, created, () => [
    `created endpoint ${created.id}`,
    ...endpointLines(created).map((l) => `  ${l}`),
    `secret: ${created.secret}`,
    'Store the secret now: it is not shown again (endpoints rotate-secret makes a new one).',
  ]);
  return 0;
}

async function list({ ctx, api, flags }: Run<typeof COMMON>): Promise<number> {
  const all: EndpointView[] = [];
  let cursor: string | null = null;
  do {
    const page: { endpoints: EndpointView[]; next: string | null } = await api.request(
      'GET',
      `/endpoints?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    all.push(...page.endpoints);
    cursor = page.next;
  } while (cursor);
  if (flags.json) for (const e of all) ctx.out(JSON.stringify(e));
  else {
    if (all.length > 0) for (const l of endpointRows(all)) ctx.out(l);
    ctx.out(`${all.length} endpoint${all.length === 1 ? '' : 's'}, ${all.filter((e) => e.enabled).length} enabled`);
  }
  return 0;
}

async function show({ ctx, api, flags, id }: Run<typeof COMMON>): Promise<number> {
  const e = await api.request<EndpointView>('GET', path(id));
  print(ctx, flags.json, e, () => endpointLines(e));
  return 0;
}

const setEnabled =
  (enabled: boolean) =>
  async ({ ctx, api, flags, id }: Run<typeof COMMON>): Promise<number> => {
    const e = await api.request<EndpointView>('PATCH', path(id), { enabled });
    print(ctx, flags.json, e, () => [
      `endpoint ${e.id} ${enabled ? 'enabled: deliveries resume where they stopped' : 'disabled: deliveries wait until it is enabled'}`,
    ]);
    return 0;
  };

async function remove({ ctx, api, flags, id }: Run<typeof COMMON>): Promise<number> {
  await api.request('DELETE', path(id));
  print(ctx, flags.json, { id, deleted: true }, () => [`endpoint ${id} deleted (its delivery log stays readable by event)`]);
  return 0;
}

async function rotate({ ctx, api, flags, id }: Run<typeof COMMON>): Promise<number> {
  const r = await api.request<{ endpointId: string; secret: string; previousSecretsExpireAt: string }>('POST', `${path(id)}/rotate-secret`);
  print(ctx, flags.json, r, () => [
    `new secret of ${r.endpointId}: ${r.secret}`,
    `the previous secret keeps signing beside it until ${r.previousSecretsExpireAt}; switch the receiver over before then`,
  ]);
  return 0;
}

async function deliveries({ ctx, api, flags, id }: Run<(typeof FLAGS)['deliveries']>): Promise<number> {
  const states = statusList(flags.status);
  const want = flags.limit ?? DEFAULT_DELIVERIES_SHOWN;
  const shown: DeliveryView[] = [];
  let cursor: string | null = null;
  let more = false;
  do {
    const qs = new URLSearchParams({ limit: String(Math.min(PAGE, want - shown.length)) });
    if (states) qs.set('status', states.join(','));
    if (cursor) qs.set('cursor', cursor);
    const page: { deliveries: DeliveryView[]; next: string | null } = await api.request('GET', `${path(id)}/deliveries?${qs.toString()}`);
    shown.push(...page.deliveries);
    cursor = page.next;
    more = cursor !== null;
  } while (cursor && shown.length < want);
  if (flags.json) for (const d of shown) ctx.out(JSON.stringify(d));
  else {
    if (shown.length > 0) for (const l of deliveryRows(shown)) ctx.out(l);
    ctx.out(`${shown.length} deliver${shown.length === 1 ? 'y' : 'ies'} of ${id} shown, newest first${more ? ' (more exist: raise --limit)' : ''}`);
  }
  return 0;
}

const HANDLERS: { [K in Sub]: (run: Run<(typeof FLAGS)[K]>) => Promise<number> } = {
  create,
  list,
  show,
  enable: setEnabled(true),
  disable: setEnabled(false),
  delete: remove,
  'rotate-secret': rotate,
  deliveries,
};

/** Delivery endpoints, through events-api's admin API (HOOKSTREAM_API_URL, HOOKSTREAM_ADMIN_TOKEN). */
export const command: Command = {
  name: 'endpoints',
  summary: 'manage delivery endpoints through events-api: create, list, show, enable, disable, delete, rotate-secret, deliveries',
  usage: [
    'endpoints <subcommand> [--api-url URL (default HOOKSTREAM_API_URL)] [--json]   (env: HOOKSTREAM_ADMIN_TOKEN)',
    '  endpoints create --url URL [--description TEXT] [--filter-json JSON] [--ordered] [--rate-limit N] [--max-in-flight N] [--disabled]',
    '  endpoints list',
    '  endpoints show ID | enable ID | disable ID | delete ID | rotate-secret ID',
    '  endpoints deliveries ID [--status pending,succeeded,dead] [--limit N (default 100)]',
  ].join('\n'),
  async run(ctx) {
    const { sub, rest } = subcommand(ctx.args, SUBCOMMANDS);
    const s = sub as Sub;
    const needsId = s !== 'create' && s !== 'list';
    const { value: id, flags: flagArgs } = needsId ? positional(rest, 'endpoint id (ep_…)') : { value: '', flags: rest };
    const flags = parseFlags(flagArgs, FLAGS[s]);
    const settings = loadAdminCliSettings(ctx.env);
    const api = createAdminClient(settings, ctx, flags['api-url']);
    return (HANDLERS[s] as (run: Run<FlagSpec>) => Promise<number>)({ ctx, api, flags, id });
  },
};
