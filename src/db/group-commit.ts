/**
 * Group commit: a write that arrives while a batch is being written waits, and every write that waited goes in the
 * next batch, as one statement. With nothing in flight a write goes at once, so a slow caller pays no delay; a busy
 * one (a benchmark run at concurrency 50) writes tens of rows per statement instead of one. Each caller's promise
 * settles when its batch has committed (or failed), so "written" still means in the database.
 * Used for a benchmark run's item rows (src/bench/execute.ts) and the daily cap's settles (src/llm/call.ts).
 */
export class GroupCommit<T> {
  #pending: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxBatch = 250,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#writing = false;
  }
}
