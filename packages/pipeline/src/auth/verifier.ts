import type { HeaderMap } from './read-header.js';

export interface VerifyRequest {
  headers: HeaderMap;
  /** The body exactly as received: signatures cover bytes, not a re-serialised parse. */
  rawBody: Buffer;
  /** Injected clock (epoch ms), so replay windows are testable and one request sees one time. */
  nowMs: number;
}

export type VerifyResult =
  | {
      ok: true;
      /** The auth type that admitted the request. */
      method: string;
      /** Which configured key or token matched (api_key, bearer), to see when a rotated-out one is unused. */
      keyIndex?: number;
    }
  | { ok: false; reason: string };

export type Verifier = (req: VerifyRequest) => VerifyResult;
