/** A per-endpoint rate limit: `rate` tokens per second, bursts up to one second's worth. */
export interface TokenBucket {
  readonly rate: number;
  take(): boolean;
  /** Returns a token taken for a send that did not happen. */
  giveBack(): void;
  /** How long until the next token. */
  waitMs(): number;
}

export function createTokenBucket(rate: number, now: () => number = Date.now): TokenBucket {
  let tokens = rate;
  let at = now();
  const refill = (): void => {
    const t = now();
    tokens = Math.min(rate, tokens + ((t - at) * rate) / 1000);
    at = t;
  };
  return {
    rate,
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    giveBack() {
      tokens = Math.min(rate, tokens + 1);
    },
    waitMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / rate);
    },
  };
}
