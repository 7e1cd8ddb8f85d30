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
  const random = opts.random ?? Math.random;
  let stopping = false;
  let wanted = true;
  let lastClaimFull = false;
  let inFlight = 0;
  let scheduled = false;
  let pumping: Promise<void> | null = null;
  let pollTimer: NodeJS.Timeout | undefined;
  let lastTickAt = Date.now();
  const jobs = new Set<Promise<void>>();

  function schedule(): void {
    if (scheduled || stopping) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void pump();
    });
  }

  async function pump(): Promise<void> {
    if (pumping) return; // the running pump re-reads `wanted` before it exits
    pumping = (async () => {
      while (!stopping && wanted && inFlight < opts.concurrency) {
        wanted = false;
        const limit = opts.concurrency - inFlight;
        let claimed: J[];
        try {
          claimed = await opts.claim(limit);
        } catch (err) {
          // The next poll retries: a database outage costs one error per poll, not a hot loop.
          opts.onError(err);
          return;
        }
        lastClaimFull = claimed.length === limit;
        if (lastClaimFull) wanted = true;
        for (const job of claimed) run(job);
      }
    })();
    try {
      await pumping;
    } finally {
      pumping = null;
      lastTickAt = Date.now();
    }
  }

  function run(job: J): void {
    inFlight++;
    const p: Promise<void> = opts
      .handle(job)
      .catch((err) => opts.onError(err, job))
      .finally(() => {
        inFlight--;
        jobs.delete(p);
        if (lastClaimFull) wanted = true;
        schedule();
      });
    jobs.add(p);
  }

  function armPoll(): void {
    const wait = opts.pollMs * (0.8 + 0.4 * random());
    pollTimer = setTimeout(() => {
      wanted = true;
      schedule();
      armPoll();
    }, wait);
    pollTimer.unref();
  }

  return {
    start() {
      armPoll();
      schedule();
    },
    wake() {
      wanted = true;
      schedule();
    },
    async stop() {
      stopping = true;
      clearTimeout(pollTimer);
      await pumping;
    },
    async drained() {
      while (jobs.size > 0) await Promise.allSettled([...jobs]);
    },
    get inFlight() {
      return inFlight;
    },
    get lastTickAt() {
      return lastTickAt;
    },
  };
}
