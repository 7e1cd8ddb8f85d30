/**
 * A client-side token bucket per Fly Machines API action, so the dispatcher stays under the API's published limits
 * instead of finding them with 429s: mutating actions (create, destroy) about 1 request/s with a burst of 3, reads
 * (get, list, wait) 5 requests/s with a burst of 10. One limiter is shared by every call of one client; the clock
 * and sleep are injectable so the limiter is tested without waiting.
 */
export type FlyAction = 'create' | 'get' | 'list' | 'wait' | 'destroy';

export interface BucketRate {
  perSecond: number;
  burst: number;
}

export const FLY_RATES: Readonly<Record<'mutate' | 'read', BucketRate>> = {
  mutate: { perSecond: 1, burst: 3 },
  read: { perSecond: 5, burst: 10 },
};

const READS: ReadonlySet<FlyAction> = new Set(['get', 'list', 'wait']);

export class ActionRateLimiter {
  #buckets = new Map<FlyAction, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
    private readonly rates: Readonly<Record<'mutate' | 'read', BucketRate>> = FLY_RATES,
  ) {}

  /** Resolves once a request of this action may be sent (the token is taken). */
  async acquire(action: FlyAction): Promise<void> {
    for (;;) {
      const wait = this.tryTake(action);
      if (wait === 0) return;
      await this.sleep(wait);
    }
  }

  /** Takes a token and returns 0, or returns how many ms until one is available. */
  tryTake(action: FlyAction): number {
    const { perSecond, burst } = READS.has(action) ? this.rates.read : this.rates.mutate;
    const t = this.now();
    const b = this.#buckets.get(action) ?? { tokens: burst, at: t };
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    this.#buckets.set(action, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / perSecond) * 1000);
  }
}
