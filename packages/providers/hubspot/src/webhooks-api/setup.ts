import { HubSpotWebhooksApiError, WebhookSubscriptionExistsError, type SubscriptionInput, type WebhookSubscription, type WebhooksApiClient } from './client.js';

/**
 * `eventType[@objectTypeId][:propertyName]`, e.g. `contact.creation`,
 * `contact.propertyChange:email`, `object.propertyChange@2-123:size`. Property changes need a
 * property (HubSpot subscribes to one property each); generic `object.*` types need the object type.
 */
export function parseSubscriptionSpec(text: string): SubscriptionInput {
  const m = /^([a-z_]+\.[A-Za-z]+)(?:@(\d+-\d+))?(?::([A-Za-z0-9_.-]+))?$/.exec(text.trim());
  if (!m?.[1]) throw new Error(`"${text}" is not eventType[@objectTypeId][:propertyName] (e.g. contact.propertyChange:email)`);
  const [, eventType, objectTypeId, propertyName] = m;
  const isPropertyChange = eventType.endsWith('.propertyChange');
  if (isPropertyChange && !propertyName) throw new Error(`${eventType} needs a property: ${eventType}:<property>`);
  if (!isPropertyChange && propertyName) throw new Error(`only propertyChange subscriptions take a property, not ${eventType}`);
  if (eventType.startsWith('object.') && !objectTypeId)
    throw new Error(`${eventType} needs an object type: ${eventType}@<objectTypeId> (e.g. @0-1 for contacts)`);
  if (!eventType.startsWith('object.') && objectTypeId) throw new Error(`only object.* subscriptions take an object type, not ${eventType}`);
  return { eventType, ...(objectTypeId ? { objectTypeId } : {}), ...(propertyName ? { propertyName } : {}) };
}

export function formatSubscriptionSpec(s: SubscriptionInput): string {
  return `${s.eventType}${s.objectTypeId ? `@${s.objectTypeId}` : ''}${s.propertyName ? `:${s.propertyName}` : ''}`;
}

const sameSubscription = (a: SubscriptionInput, b: SubscriptionInput) =>
  a.eventType === b.eventType && (a.propertyName ?? '') === (b.propertyName ?? '') && (a.objectTypeId ?? '') === (b.objectTypeId ?? '');

export interface SetupInput {
  targetUrl: string;
  subscriptions: readonly SubscriptionInput[];
  /** Unset: keep what the app has (10 for a new app). HubSpot requires more than 5. */
  maxConcurrentRequests?: number;
  /** Pause active subscriptions that are not in the list (what HubSpot's sample app does first). */
  pauseOthers?: boolean;
}

export type SubscriptionAction = 'created' | 'activated' | 'unchanged' | 'paused';

export interface SetupReport {
  settings: 'created' | 'updated' | 'unchanged';
  targetUrl: string;
  subscriptions: Array<{ spec: string; id: string; action: SubscriptionAction }>;
}

/**
 * Points the app's webhooks at `targetUrl` and makes exactly the given subscriptions active,
 * creating those that do not exist. Idempotent: a rerun changes nothing and says so.
 */
export async function setupSubscriptions(api: WebhooksApiClient, input: SetupInput): Promise<SetupReport> {
  const current = await api.getSettings();
  const max = input.maxConcurrentRequests ?? current?.throttling.maxConcurrentRequests ?? 10;
  let settings: SetupReport['settings'] = 'unchanged';
  if (!current || current.targetUrl !== input.targetUrl || current.throttling.maxConcurrentRequests !== max) {
    await api.putSettings({
      targetUrl: input.targetUrl,
      throttling: { maxConcurrentRequests: max, ...(current?.throttling.period ? { period: current.throttling.period } : {}) },
    });
    settings = current ? 'updated' : 'created';
  }

  const existing = await api.listSubscriptions();
  const report: SetupReport['subscriptions'] = [];
  const toActivate: Array<{ spec: string; sub: WebhookSubscription }> = [];
  const wanted = dedupe(input.subscriptions);
  for (const spec of wanted) {
    const found = existing.find((s) => sameSubscription(s, spec));
    if (found?.active) report.push({ spec: formatSubscriptionSpec(spec), id: found.id, action: 'unchanged' });
    else if (found) toActivate.push({ spec: formatSubscriptionSpec(spec), sub: found });
    else {
      try {
        const created = await api.createSubscription({ ...spec, active: true });
        // Created paused despite active:true (older API behaviour): activate it below.
        if (created.active) report.push({ spec: formatSubscriptionSpec(spec), id: created.id, action: 'created' });
        else toActivate.push({ spec: formatSubscriptionSpec(spec), sub: created });
      } catch (err) {
        // Someone created it since we listed: HubSpot names it in the conflict.
        if (!(err instanceof WebhookSubscriptionExistsError) || err.existingId === undefined) throw err;
        toActivate.push({ spec: formatSubscriptionSpec(spec), sub: { id: err.existingId, eventType: spec.eventType, active: false } });
      }
    }
  }
  const toPause = input.pauseOthers ? existing.filter((s) => s.active && !wanted.some((w) => sameSubscription(s, w))) : [];
  const batch = [...toActivate.map((a) => ({ id: a.sub.id, active: true })), ...toPause.map((s) => ({ id: s.id, active: false }))];
  const { notFound } = await api.batchSetActive(batch);
  if (notFound.length > 0) throw new HubSpotWebhooksApiError(`HubSpot could not find subscriptions ${notFound.join(', ')} while updating them; run again`);
  for (const a of toActivate) report.push({ spec: a.spec, id: a.sub.id, action: 'activated' });
  for (const s of toPause) report.push({ spec: formatSubscriptionSpec(s), id: s.id, action: 'paused' });
  return { settings, targetUrl: input.targetUrl, subscriptions: report };
}

function dedupe(specs: readonly SubscriptionInput[]): SubscriptionInput[] {
  const out: SubscriptionInput[] = [];
  for (const s of specs) if (!out.some((o) => sameSubscription(o, s))) out.push(s);
  return out;
}
