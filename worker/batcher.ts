/**
 * Group commit: items added while a flush is in flight wait for it and go out together in the next one, so a busy
 * worker writes many completions per statement and an idle one writes each at once (no timer, no added latency).
 */
export interface Batcher<T, R> {
  add(item: T): Promise<R>;
  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void>;
}

export function createBatcher<T, R>(flush: (items: T[]) => Promise<R>, maxBatch = 500): Batcher<T, R> {
  type Entry = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  let queue: Entry[] = [];
  let inflight: Promise<void> | null = null;
  let scheduled = false;

  function kick(): void {
    if (inflight || scheduled || queue.length === 0) return;
    scheduled = true;
    // setImmediate gathers everything that finished in this turn of the event loop into the same batch.
    setImmediate(() => {
      scheduled = false;
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inflight = flush(batch.map((e) => e.item)).then(
        (r) => batch.forEach((e) => e.resolve(r)),
        (err) => batch.forEach((e) => e.reject(err)),
      );
      void inflight.finally(() => {
        inflight = null;
        kick();
      });
    });
  }

  return {
    add(item) {
      return new Promise<R>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        kick();
      });
    },
    async idle() {
      while (inflight || queue.length > 0 || scheduled) {
        await (inflight ?? new Promise((r) => setImmediate(r)));
      }
    },
  };
}
