import { apiKeyVerifier } from './api-key.js';
import { basicVerifier } from './basic.js';
import { bearerVerifier } from './bearer.js';
import { hmacVerifier } from './hmac.js';
import type { AuthConfig } from './schema.js';
import { radarVerifier } from './radar.js';
import { standardWebhooksVerifier } from './standard-webhooks.js';
import type { Verifier } from './verifier.js';

const admitAll: Verifier = () => ({ ok: true, method: 'none' });

/** Builds the request check for one source once, at start-up: keys, digests and HMAC keys are precomputed. */
export function createVerifier(auth: AuthConfig): Verifier {
  switch (auth.type) {
    case 'api_key':
      return apiKeyVerifier(auth);
    case 'hmac':
      return hmacVerifier(auth);
    case 'standard_webhooks':
      return standardWebhooksVerifier(auth);
    case 'basic':
      return basicVerifier(auth);
    case 'bearer':
      return bearerVerifier(auth);
    case 'radar':
      return radarVerifier(auth);
    case 'none':
      return admitAll;
    default: {
      const never: never = auth;
      throw new Error(`unknown auth type ${String((never as { type: unknown }).type)}`);
    }
  }
}
