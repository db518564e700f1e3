import { z } from 'zod';
import { authConfigSchema } from '@hookstream/pipeline';
import { DEFAULT_MAX_EVENTS, MAX_EVENT_TYPE_LENGTH, MAX_MAX_EVENTS } from './limits.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `object.id`: dot-separated, no empty segments; a numeric segment also indexes an array. */
const DOT_PATH = /^[^.\s]+(\.[^.\s]+)*$/;
const EVENT_TYPE = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,${MAX_EVENT_TYPE_LENGTH - 1}}$`);
const KEY_PART = /^(body\.[^.\s]+(\.[^.\s]+)*|header\.[!#$%&'*+.^_`|~0-9A-Za-z-]+)$/;

const requiredOr = (message: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : message);

const bodyPath = () =>
  z.string({ error: requiredOr('expected a dot path such as object.id') }).regex(DOT_PATH, { error: 'must be a dot path such as object.id' });
const headerName = () =>
  z
    .string({ error: requiredOr('expected an HTTP header name') })
    .regex(HEADER_NAME, { error: 'must be an HTTP header name' })
    .toLowerCase();

const fromBody = z.strictObject({ from: z.literal('body'), path: bodyPath() });
const fromHeader = z.strictObject({ from: z.literal('header'), name: headerName() });
const fixedValue = z.strictObject({
  from: z.literal('value'),
  value: z.string({ error: requiredOr('expected a string') }).regex(EVENT_TYPE, { error: 'must be an event type name' }),
});

/**
 * `from` may be left out: `{ path }` reads the body, `{ value }` is a fixed value. Filled in
 * before validation, so the discriminated union's messages stay specific.
 */
const withFrom = (fallback: (o: Record<string, unknown>) => string) => (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !('from' in v) ? { from: fallback(v as Record<string, unknown>), ...v } : v;

const locatorError = (forms: string) => (iss: { input?: unknown }) => {
  if (iss.input === undefined) return 'is required';
  if (typeof iss.input !== 'object' || iss.input === null) return `expected a mapping: ${forms}`;
  return `from must be ${forms}`;
};

/** Where a per-event value comes from: a body path or a request header. */
export const locatorSchema = z.preprocess(
  withFrom(() => 'body'),
  z.discriminatedUnion('from', [fromBody, fromHeader], { error: locatorError('body (with path) or header (with name)') }),
);

const eventTypeSchema = z.preprocess(
  withFrom((o) => ('value' in o ? 'value' : 'body')),
  z.discriminatedUnion('from', [fromBody, fromHeader, fixedValue], { error: locatorError('body (with path), header (with name) or a fixed value') }),
);

const typeSpec = z.strictObject({
  schema: z.record(z.string(), z.unknown(), { error: requiredOr('expected a JSON Schema (a mapping)') }),
});

export const genericSourceSchema = z
  .strictObject({
    auth: authConfigSchema,
    eventType: eventTypeSchema,
    types: z
      .record(z.string().regex(EVENT_TYPE, { error: `must be an event type name (letters, digits, . _ : / -, at most ${MAX_EVENT_TYPE_LENGTH})` }), typeSpec, {
        error: requiredOr('expected a mapping of event types to { schema }'),
      })
      .refine((t) => Object.keys(t).length > 0, { error: 'must declare at least one event type' }),
    idempotencyKey: z
      .array(z.string({ error: 'expected a string' }).regex(KEY_PART, { error: 'must be body.<dot path> or header.<name>' }), { error: 'expected a list' })
      .min(1, { error: 'must list at least one field' })
      // Header names are case-insensitive; the part is looked up lower-case.
      .transform((parts) => parts.map((p) => (p.startsWith('header.') ? p.toLowerCase() : p)))
      .optional(),
    occurredAt: locatorSchema.optional(),
    tenant: locatorSchema.optional(),
    subject: locatorSchema.optional(),
    maxEvents: z
      .number({ error: 'expected a whole number' })
      .int({ error: 'expected a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_MAX_EVENTS, { error: `must be at most ${MAX_MAX_EVENTS}` })
      .default(DEFAULT_MAX_EVENTS),
  })
  .superRefine((s, ctx) => {
    if (s.eventType.from === 'value' && !Object.hasOwn(s.types, s.eventType.value)) {
      ctx.addIssue({ code: 'custom', path: ['eventType', 'value'], message: `must be one of the declared types (${Object.keys(s.types).join(', ')})` });
    }
  });

export type GenericSource = z.output<typeof genericSourceSchema>;
export type GenericSourceInput = z.input<typeof genericSourceSchema>;
export type Locator = z.output<typeof locatorSchema>;
export type EventTypeLocator = GenericSource['eventType'];
