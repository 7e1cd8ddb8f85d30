/**
 * Adaptive item concurrency for one run: additive increase, multiplicative decrease. A rate limit or an overloaded
 * provider shrinks the limit (×0.8) and holds new calls until the Retry-After passes; clean answers grow it back by
 * one over `limit` calls, so the limit climbs back about one slot per round of calls. Never above what the user
 * asked for, never below one.
 */
export interface LimitChange {
  at: string;
  from: number;
  to: number;
  why: string;
}

export class AdaptiveLimiter {
  #limit: number;
  #active = 0;
  #waiters: (() => void)[] = [];
  #holdUntil = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly max: number,
    private readonly onChange: (change: LimitChange) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {
    this.#limit = max;
  }

  /** The whole number of calls allowed at once. */
  get current(): number {
    return Math.max(1, Math.floor(this.#limit));
  }

  get active(): number {
    return this.#active;
  }

  /** Resolves when a slot is free (and any Retry-After hold has passed); the caller must release() it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    while (this.#active >= this.current || this.now() < this.#holdUntil) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        const done = () => {
          signal?.removeEventListener('abort', done);
          resolve();
        };
        this.#waiters.push(done);
        this.#armHold();
        signal?.addEventListener('abort', done, { once: true });
      });
    }
    this.#active++;
  }

  release(): void {
    this.#active--;
    this.#wake();
  }

  /** A call was throttled (429 / overloaded, or succeeded only after such retries). */
  throttled(why: string, retryAfterMs?: number): void {
    if (retryAfterMs && retryAfterMs > 0) this.#holdUntil = Math.max(this.#holdUntil, this.now() + retryAfterMs);
    this.#set(Math.max(1, this.#limit * 0.8), why);
    this.#armHold();
  }

  /** A clean answer. */
  succeeded(): void {
    if (this.#limit < this.max) this.#set(Math.min(this.max, this.#limit + 1 / this.#limit), 'recovered');
  }

  #set(next: number, why: string): void {
    const from = this.current;
    this.#limit = next;
    if (this.current !== from) this.onChange({ at: new Date(this.now()).toISOString(), from, to: this.current, why });
    this.#wake();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #armHold(): void {
    const wait = this.#holdUntil - this.now();
    if (wait <= 0 || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wake();
    }, wait);
    this.#timer.unref?.();
  }
}
