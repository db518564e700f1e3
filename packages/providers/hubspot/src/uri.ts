/**
 * The v3 signature is computed over the URL with a fixed set of reserved characters
 * percent-decoded. HubSpot decodes exactly these twelve and nothing else, so decoding more
 * (e.g. `decodeURIComponent`, which also turns %20 and %2B into characters) breaks valid
 * signatures for URLs that carry such escapes.
 */
const V3_DECODED_ESCAPES = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** Decodes only the twelve escapes HubSpot's v3 signature decodes (case-insensitive hex). */
export function normalizeV3Uri(url: string): string {
  // A single pass: "%253A" stays as is because "%25" is not in the set and the following
  // "3A" is no longer preceded by "%".
  return url.replace(V3_DECODED_ESCAPES, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export interface PublicRequestUrlOptions {
  /** PUBLIC_URL setting, e.g. https://abc.ngrok.app or https://example.com/hooks */
  publicUrl?: string | undefined;
  /** Whether X-Forwarded-Proto / X-Forwarded-Host come from a proxy we trust. */
  trustProxy: boolean;
  headers: Record<string, string | string[] | undefined>;
  /** Protocol the socket saw, without the colon ("http"). */
  protocol: string;
  /** Host header as received, possibly with a port. */
  host: string;
  /** Path and query exactly as received. */
  originalUrl: string;
}

/**
 * Rebuilds the URL HubSpot called, which v2 and v3 signatures cover. Behind ngrok or a
 * load balancer the socket sees a different scheme and host than HubSpot did, so the
 * operator either pins it (PUBLIC_URL) or tells us to trust the proxy's forwarding headers.
 */
export function publicRequestUrl(opts: PublicRequestUrlOptions): string {
  const path = opts.originalUrl.startsWith('/') ? opts.originalUrl : `/${opts.originalUrl}`;
  if (opts.publicUrl !== undefined && opts.publicUrl !== '') {
    const base = new URL(opts.publicUrl);
    const basePath = base.pathname.replace(/\/+$/, '');
    return `${base.origin}${basePath}${path}`;
  }
  let protocol = opts.protocol;
  let host = opts.host;
  if (opts.trustProxy) {
    protocol = firstHeaderValue(opts.headers['x-forwarded-proto']) ?? protocol;
    host = firstHeaderValue(opts.headers['x-forwarded-host']) ?? host;
  }
  return `${protocol.replace(/:$/, '').toLowerCase()}://${host}${path}`;
}

/** First element of a comma-separated (possibly repeated) header; chained proxies append. */
function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const first = raw.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}
