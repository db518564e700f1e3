import { z } from 'zod';

/** RFC 9110 token: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII: header values outside it are mangled or refused by proxies. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;
/** RFC 6750 b64token: anything else can never arrive intact after "Bearer ". */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Standard Webhooks secrets: "whsec_" and the key in standard base64. */
const WHSEC = /^whsec_((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4}))$/;

export const MIN_SECRET_LENGTH = 16;
export const DEFAULT_API_KEY_HEADER = 'x-api-key';
export const DEFAULT_TOLERANCE_SEC = 300;

const TOO_SHORT = `must be at least ${MIN_SECRET_LENGTH} characters`;

/** A type error's message: "is required" when the field is absent, else what is expected. */
const requiredOr = (message: string) => (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : message);

const headerName = () =>
  z
    .string({ error: requiredOr('expected an HTTP header name') })
    .regex(HEADER_NAME, { error: 'must be an HTTP header name' })
    .toLowerCase();

const secretString = () => z.string({ error: requiredOr('expected a string') }).min(MIN_SECRET_LENGTH, { error: TOO_SHORT });

const secretList = (format: RegExp, formatMessage: string) =>
  z
    .array(secretString().regex(format, { error: formatMessage }), { error: requiredOr('expected a list of strings') })
    .min(1, { error: 'must list at least one' });

// Strict objects throughout: a misspelt field (`key` for `keys`, `algo`) must fail loudly
// rather than silently fall back to a default.
const apiKeyAuth = z.strictObject({
  type: z.literal('api_key'),
  header: headerName().default(DEFAULT_API_KEY_HEADER),
  keys: secretList(HEADER_SAFE, 'must be visible ASCII without spaces'),
});

const hmacAuth = z.strictObject({
  type: z.literal('hmac'),
  header: headerName(),
  algorithm: z.enum(['sha1', 'sha256', 'sha512'], { error: 'must be sha1, sha256 or sha512' }).default('sha256'),
  encoding: z.enum(['hex', 'base64'], { error: 'must be hex or base64' }).default('hex'),
  secret: secretString(),
  prefix: z
    .string({ error: requiredOr('expected a string') })
    .min(1, { error: 'must not be empty' })
    .optional(),
});

const standardWebhooksAuth = z.strictObject({
  type: z.literal('standard_webhooks'),
  secret: z
    .string({ error: 'expected a string' })
    .regex(WHSEC, { error: 'must be "whsec_" followed by a base64 key' })
    .refine((s) => Buffer.from(s.slice('whsec_'.length), 'base64').length >= MIN_SECRET_LENGTH, {
      error: `the key must decode to at least ${MIN_SECRET_LENGTH} bytes`,
    }),
  toleranceSec: z
    .number({ error: 'expected a number of seconds' })
    .int({ error: 'must be a whole number of seconds' })
    .positive({ error: 'must be positive' })
    .max(86_400, { error: 'must be at most 86400 (one day)' })
    .default(DEFAULT_TOLERANCE_SEC),
});

const basicAuth = z.strictObject({
  type: z.literal('basic'),
  // RFC 7617: the user-id cannot contain a colon, the first colon separates the password.
  username: z
    .string({ error: 'expected a string' })
    .min(1, { error: 'must not be empty' })
    .regex(/^[^:\x00-\x1f\x7f]+$/, { error: 'must not contain a colon or control characters' }),
  password: secretString(),
});

const bearerAuth = z.strictObject({
  type: z.literal('bearer'),
  tokens: secretList(B64TOKEN, 'must contain only letters, digits and -._~+/ (RFC 6750)'),
});

/**
 * Radar's signature (see radar.ts): `token` is the webhook's security token; `tokens` lists
 * several while one is rotated out. Either, not both.
 */
const radarAuth = z
  .strictObject({
    type: z.literal('radar'),
    token: secretString().optional(),
    tokens: secretList(HEADER_SAFE, 'must be visible ASCII without spaces').optional(),
  })
  .refine((a) => (a.token === undefined) !== (a.tokens === undefined), { error: 'give token or tokens (not both)', path: ['token'] })
  .transform(({ type, token, tokens }) => ({ type, tokens: tokens ?? [token as string] }));

/** Only when written out: a source without credentials is for local demos, never a default. */
const noneAuth = z.strictObject({ type: z.literal('none') });

export const authConfigSchema = z.discriminatedUnion('type', [apiKeyAuth, hmacAuth, standardWebhooksAuth, basicAuth, bearerAuth, radarAuth, noneAuth], {
  error: (iss) => {
    if (iss.input === undefined) return 'is required';
    if (typeof iss.input !== 'object' || iss.input === null || Array.isArray(iss.input)) return 'expected a mapping with a type';
    return 'type must be one of api_key, hmac, standard_webhooks, basic, bearer, radar, none';
  },
});

export type AuthConfig = z.output<typeof authConfigSchema>;
export type AuthConfigInput = z.input<typeof authConfigSchema>;
export type AuthType = AuthConfig['type'];
export type AuthConfigOf<T extends AuthType> = Extract<AuthConfig, { type: T }>;
