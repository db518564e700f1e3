import type { AuthConfig } from './schema.js';

/**
 * Lower-case names of the headers that carry credentials for `auth`, for the logger's redaction.
 * `authorization` is always included: a misconfigured sender may put a credential there whatever
 * the source expects.
 */
export function authRedactedHeaders(auth: AuthConfig): string[] {
  switch (auth.type) {
    case 'api_key':
    case 'hmac':
      return auth.header === 'authorization' ? ['authorization'] : [auth.header, 'authorization'];
    case 'standard_webhooks':
      return ['webhook-signature', 'authorization'];
    case 'radar':
      return ['x-radar-signature', 'authorization'];
    case 'basic':
    case 'bearer':
    case 'none':
      return ['authorization'];
    default: {
      const never: never = auth;
      return never;
    }
  }
}
