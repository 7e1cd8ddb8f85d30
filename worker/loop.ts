/**
 * The claim loop, knowing nothing about SQL or handlers: `claim`, `handle` and `onError` are passed in. It keeps
 * up to `concurrency` jobs in hand, claims exactly the free slots, and claims again when woken (a notification),
 * when its jittered poll fires (missed notifications, delayed runs), or when a job ends after a full claim (there
 * is probably more). Claims are coalesced onto the next macrotask, so jobs that finish together free their slots
 * together and are refilled by one claim instead of one claim each.
 */
export interface LoopOptions<J> {
  concurrency: number;
  /** Base poll interval; each wait is drawn from 0.8x to 1.2x so a fleet does not poll in step. */
  pollMs: number;
  claim(limit: number): Promise<J[]>;
  handle(job: J): Promise<void>;
  onError(err: unknown, job?: J): void;
  random?: () => number;
}

export interface WorkerLoop {
  start(): void;
  /** Something may be claimable now (a NOTIFY arrived, a reconnect happened). */
  wake(): void;
  /** Stops claiming; resolves once no claim is in flight. Jobs in hand keep running. */
  stop(): Promise<void>;
  /** Resolves when every job in hand has settled. */
  drained(): Promise<void>;
  readonly inFlight: number;
  /**
   * When the loop last finished a pass (claimed, or found its slots full). The poll makes a pass every pollMs, so
   * an old tick means the loop is stuck (a hung claim) or stopped: the worker's health endpoint reports it.
   */
  readonly lastTickAt: number;
}

export function createLoop<J>(opts: LoopOptions<J>): WorkerLoop {
  return new ClaimLoop(opts);
}

class ClaimLoop<J> implements WorkerLoop {
  private readonly random: () => number;
  private stopping = false;
  private wanted = true;
  private lastClaimFull = false;
  private running = 0;
  private scheduled = false;
  private pumping: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private tickedAt = Date.now();
  private readonly jobs = new Set<Promise<void>>();

  constructor(private readonly opts: LoopOptions<J>) {
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    this.armPoll();
    this.schedule();
  }

  wake(): void {
    this.wanted = true;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.pollTimer);
    await this.pumping;
  }

  async drained(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  get inFlight(): number {
    return this.running;
  }

  get lastTickAt(): number {
    return this.tickedAt;
  }

  private schedule(): void {
    if (this.scheduled || this.stopping) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return; // the running pump re-reads `wanted` before it exits
    this.pumping = this.claimWhileWanted();
    try {
      await this.pumping;
    } finally {
      this.pumping = null;
      this.tickedAt = Date.now();
    }
  }

  private async claimWhileWanted(): Promise<void> {
    const { opts } = this;
    while (!this.stopping && this.wanted && this.running < opts.concurrency) {
      this.wanted = false;
      const limit = opts.concurrency - this.running;
      let claimed: J[];
      try {
        claimed = await opts.claim(limit);
      } catch (err) {
        // The next poll retries: a database outage costs one error per poll, not a hot loop.
        opts.onError(err);
        return;
      }
      this.lastClaimFull = claimed.length === limit;
      if (this.lastClaimFull) this.wanted = true;
      for (const job of claimed) this.run(job);
    }
  }

  private run(job: J): void {
    this.running++;
    const p: Promise<void> = this.opts
      .handle(job)
      .catch((err) => this.opts.onError(err, job))
      .finally(() => {
        this.running--;
        this.jobs.delete(p);
        if (this.lastClaimFull) this.wanted = true;
        this.schedule();
      });
    this.jobs.add(p);
  }

  private armPoll(): void {
    const wait = this.opts.pollMs * (0.8 + 0.4 * this.random());
    this.pollTimer = setTimeout(() => {
      this.wanted = true;
      this.schedule();
      this.armPoll();
    }, wait);
    this.pollTimer.unref();
  }
}
