import type { DeclaredEndpoint } from '@hookstream/pipeline';
import type { CrmSource } from '../config/load.js';
import type { Action } from '../config/rules.js';
import { PROVIDER } from '../constants.js';
import { actionEndpointId } from './endpoint-id.js';

/**
 * Where the delivered body keeps the deal's status: the dispatcher wraps the ledger's raw
 * payload as `data`, and the payload has its own `data`.
 */
export const STATUS_PATH = 'data.data.dealDetails.status';

/**
 * One endpoint per (entry, rule, action). The filter picks the entry's events with the rule's
 * status; the ledger holds one row per (deal, status), so each action fires at most once per
 * deal and status, whatever the redeliveries.
 */
export function declaredEndpoints(sources: readonly CrmSource[], retrySchedule: readonly number[]): DeclaredEndpoint[] {
  return sources.flatMap((s) =>
    s.rules.flatMap((rule) =>
      rule.actions.map((action) => ({
        id: actionEndpointId(s.name, rule.status, action.type),
        kind: action.type,
        url: urlOf(action),
        description: `crm source ${s.name}: at ${rule.status}, ${describeAction(action)}`,
        filter: { providers: [PROVIDER], sources: [s.name], match: { [STATUS_PATH]: rule.status } },
        destination: settingsOf(action),
        retrySchedule: [...retrySchedule],
      })),
    ),
  );
}

/** Not a URL a request goes to: the destination knows where it sends; this is what the API shows. */
function urlOf(a: Action): string {
  if (a.type === 'meta_capi') return `meta_capi:${a.eventName}`;
  return a.templateId === undefined ? 'brevo:built-in-template' : `brevo:template-${a.templateId}`;
}

function describeAction(a: Action): string {
  if (a.type === 'meta_capi') return `Meta Conversions API event ${a.eventName}${a.withValue ? ' with the deal value' : ''}`;
  return a.templateId === undefined ? 'Brevo e-mail to the customer (built-in template)' : `Brevo e-mail to the customer (template ${a.templateId})`;
}

/** The action's settings for its destination; Brevo's fields only when the entry sets them. */
function settingsOf(a: Action): Record<string, unknown> {
  if (a.type === 'meta_capi') return { eventName: a.eventName, withValue: a.withValue };
  return { ...(a.templateId !== undefined ? { templateId: a.templateId } : {}), ...(a.subject !== undefined ? { subject: a.subject } : {}) };
}
