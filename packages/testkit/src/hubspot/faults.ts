export type FakeFault =
  { status: 429; policyName?: 'TEN_SECONDLY_ROLLING' | 'DAILY'; retryAfterSeconds?: number } | { status: 500 | 502 | 503 | 504 } | { status: 401 };

export interface FaultPlan {
  failNext(count: number, fault: FakeFault): void;
  failAll(fault: FakeFault): void;
  clear(): void;
  /** The fault for the call being served, if any; scripted ones first, in order. */
  take(): FakeFault | undefined;
}

export function createFaultPlan(): FaultPlan {
  const queue: FakeFault[] = [];
  let always: FakeFault | undefined;
  return {
    failNext(count, fault) {
      for (let i = 0; i < count; i++) queue.push(fault);
    },
    failAll(fault) {
      always = fault;
    },
    clear() {
      queue.length = 0;
      always = undefined;
    },
    take() {
      return queue.shift() ?? always;
    },
  };
}
