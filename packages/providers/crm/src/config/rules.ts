import { z } from 'zod';
import { statusSchema } from './tokens.js';

/** Meta accepts standard names (Lead, Purchase) and custom ones: letters, digits, _ - and spaces. */
const META_EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_ -]{0,49}$/;

const metaAction = z.strictObject({
  type: z.literal('meta_capi'),
  eventName: z.string({ error: 'is required (a Meta event name such as Lead or Purchase)' }).regex(META_EVENT_NAME, {
    error: 'must be a Meta event name: 1-50 letters, digits, _, - or spaces',
  }),
  /** Send the deal's value and currency as custom_data (Purchase). */
  withValue: z.boolean({ error: 'expected true or false' }).default(false),
});

const brevoAction = z.strictObject({
  type: z.literal('brevo'),
  /** A Brevo template (its params are the deal's fields); without it, the built-in HTML e-mail. */
  templateId: z
    .number({ error: 'expected a Brevo template id (a whole number)' })
    .int({ error: 'must be a whole number' })
    .positive({ error: 'must be positive' })
    .optional(),
  subject: z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' }).max(200, { error: 'must be at most 200 characters' }).optional(),
});

export const actionSchema = z.discriminatedUnion('type', [metaAction, brevoAction], {
  error: (iss) => {
    if (iss.input === undefined) return 'is required';
    if (typeof iss.input !== 'object' || iss.input === null || Array.isArray(iss.input)) return 'expected a mapping with a type';
    // The issue sits at `.type`; its input is the whole action.
    return 'type' in iss.input ? 'must be meta_capi or brevo' : 'is required (meta_capi or brevo)';
  },
});

const ruleSchema = z.strictObject({
  status: statusSchema,
  actions: z.array(actionSchema, { error: 'expected a list of actions' }).min(1, { error: 'must list at least one action' }).max(10),
});

/**
 * `rules: [{status, actions: [...]}]`. One rule per status and one action of each type per
 * rule: each (status, type) is one delivery endpoint with a stable id, so a second one
 * would be the same endpoint.
 */
export const rulesSchema = z
  .array(ruleSchema, { error: 'expected a list of rules' })
  .max(100, { error: 'must list at most 100 rules' })
  .superRefine((rules, ctx) => {
    const statuses = new Map<string, number>();
    rules.forEach((rule, i) => {
      const first = statuses.get(rule.status);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'status'], message: `${JSON.stringify(rule.status)} already has rules.${first}` });
      else statuses.set(rule.status, i);
      const types = new Set<string>();
      rule.actions.forEach((a, j) => {
        if (types.has(a.type)) ctx.addIssue({ code: 'custom', path: [i, 'actions', j, 'type'], message: `${a.type} is listed twice for ${rule.status}` });
        types.add(a.type);
      });
    });
  });

export type Rule = z.output<typeof ruleSchema>;
export type Action = z.output<typeof actionSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

/** The reference system: a Meta Lead at Qualified; a Meta Purchase with the deal's value and an e-mail at Committed. */
export const DEFAULT_RULES: readonly Rule[] = [
  { status: 'Qualified', actions: [{ type: 'meta_capi', eventName: 'Lead', withValue: false }] },
  { status: 'Committed', actions: [{ type: 'meta_capi', eventName: 'Purchase', withValue: true }, { type: 'brevo' }] },
];
