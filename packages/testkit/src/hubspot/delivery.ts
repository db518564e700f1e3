import { signedHeaders, type HubSpotEvent, type SignatureVersion } from '@hookstream/hubspot';

export interface SignedDeliveryInput {
  secret: string;
  /** The public URL the delivery is addressed to (what HubSpot signs for v2/v3). */
  url: string;
  events: readonly HubSpotEvent[] | readonly unknown[];
  /** @default 'v3' */
  version?: SignatureVersion;
  /** epoch ms for v3. @default Date.now() */
  timestamp?: number;
}

/** A webhook POST as HubSpot would send it: compact JSON body plus its signature headers. */
export function signedDelivery(input: SignedDeliveryInput): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(input.events);
  const headers = signedHeaders({
    secret: input.secret,
    version: input.version ?? 'v3',
    method: 'POST',
    url: input.url,
    body,
    timestamp: input.timestamp ?? Date.now(),
  });
  return { body, headers };
}
