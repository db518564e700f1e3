import { z } from 'zod';

/**
 * Settings shared by the edge (install flow) and the processor (token refresh) for HubSpot
 * OAuth installs. Both need the same TOKEN_ENCRYPTION_KEY: the edge seals the tokens the
 * processor opens.
 */
export const tokenEncryptionKey = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, { error: 'must be 32 bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)' });

/** Comma-separated retired keys that still decrypt (rotation). */
export const previousEncryptionKeys = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  )
  .pipe(z.array(tokenEncryptionKey));

/** Space- or comma-separated OAuth scopes. */
export const scopeList = (dflt: string) =>
  z
    .string()
    .default(dflt)
    .transform((s) => s.split(/[\s,]+/).filter(Boolean));

/** Must equal the app's required scopes in HubSpot; `oauth` is always required there. */
export const DEFAULT_OAUTH_SCOPES = 'oauth crm.objects.contacts.read crm.objects.companies.read crm.objects.deals.read tickets e-commerce';

interface OAuthFields {
  HUBSPOT_CLIENT_ID?: string | undefined;
  TOKEN_ENCRYPTION_KEY?: string | undefined;
}

/** With HUBSPOT_CLIENT_ID set, the named settings become required. */
export function requireForOAuth<T extends OAuthFields>(required: ReadonlyArray<{ key: keyof T & string; why: string; present?: (v: T) => boolean }>) {
  return (v: T, ctx: z.RefinementCtx) => {
    if (v.HUBSPOT_CLIENT_ID === undefined) return;
    for (const r of required) {
      const ok = r.present ? r.present(v) : v[r.key] !== undefined;
      if (!ok) ctx.addIssue({ code: 'custom', path: [r.key], message: `required when HUBSPOT_CLIENT_ID is set (${r.why})` });
    }
  };
}
