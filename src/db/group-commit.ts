/**
 * Group commit: a write that arrives while a batch is being written waits, and every write that waited goes in the
 * next batch, as one statement. With nothing in flight a write goes at once, so a slow caller pays no delay; a busy
 * one (a benchmark run at concurrency 50) writes tens of rows per statement instead of one. Each caller's promise
 * settles when its batch has committed (or failed), so "written" still means in the database.
 * The write may return one result per item, in order (each llm_calls row's own error); each caller gets its own.
 * Used for a benchmark run's item rows (src/bench/runner.ts), and the daily cap's settles and the
 * llm_calls rows (src/llm/call.ts).
 */
export class GroupCommit<T, R = void> {
  #pending: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  #writing = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[] | void>,
    private readonly maxBatch = 250,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.maxBatch);
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results ? results[i]! : (undefined as R)));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.#writing = false;
  }
}
