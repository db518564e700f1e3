/** The admin API's JSON as the CLI reads it (see services/events-api/src/admin/present.ts). */
export interface EndpointView {
  id: string;
  url: string;
  description: string;
  filter: Record<string, unknown>;
  rateLimitPerSecond: number | null;
  maxInFlight: number | null;
  ordered: boolean;
  enabled: boolean;
  origin: string;
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  health?: { deliveries: Record<string, number> };
}

export interface AttemptView {
  attempt: number;
  at: string;
  status: number | null;
  latencyMs: number;
  outcome: string;
  error: string | null;
}

export interface DeliveryView {
  webhookId: string;
  endpointId: string;
  eventId: number;
  state: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  attempts: AttemptView[];
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(rows: ReadonlyArray<readonly string[]>): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

export function endpointRows(endpoints: readonly EndpointView[]): string[] {
  return table([
    ['ID', 'ENABLED', 'ORDERED', 'ORIGIN', 'URL', 'DESCRIPTION'],
    ...endpoints.map((e) => [e.id, e.enabled ? 'yes' : e.disabledReason ? 'no (auto)' : 'no', yesNo(e.ordered), e.origin, e.url, clip(e.description, 40)]),
  ]);
}

/** `key  value` lines of one endpoint, its delivery counts when the answer has them. */
export function endpointLines(e: EndpointView): string[] {
  const rows: Array<[string, string]> = [
    ['id', e.id],
    ['url', e.url],
    ['description', e.description || '-'],
    ['enabled', e.enabled ? 'yes' : `no${e.disabledAt ? ` (since ${e.disabledAt}${e.disabledReason ? `: ${e.disabledReason}` : ''})` : ''}`],
    ['ordered', yesNo(e.ordered)],
    ['origin', e.origin],
    ['filter', Object.keys(e.filter).length === 0 ? 'every event' : JSON.stringify(e.filter)],
    ['rate limit', e.rateLimitPerSecond === null ? 'none' : `${e.rateLimitPerSecond}/s`],
    ['max in flight', e.maxInFlight === null ? 'dispatcher default' : String(e.maxInFlight)],
    ['failing since', e.failingSince ?? '-'],
    ['created', e.createdAt],
    ['updated', e.updatedAt],
  ];
  if (e.health) {
    rows.push([
      'deliveries',
      Object.entries(e.health.deliveries)
        .map(([state, n]) => `${state} ${n}`)
        .join(', '),
    ]);
  }
  return table(rows);
}

export function deliveryRows(deliveries: readonly DeliveryView[]): string[] {
  return table([
    ['WEBHOOK-ID', 'EVENT', 'STATE', 'ATTEMPTS', 'LAST', 'NEXT-ATTEMPT', 'LAST-ERROR'],
    ...deliveries.map((d) => [
      d.webhookId,
      String(d.eventId),
      d.state,
      String(d.attemptCount),
      d.lastStatus === null ? (d.lastAttemptAt ? (d.attempts[d.attempts.length - 1]?.outcome ?? '-') : '-') : String(d.lastStatus),
      d.nextAttemptAt ?? '-',
      clip(d.lastError ?? '', 60),
    ]),
  ]);
}
