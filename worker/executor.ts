/**
 * Runs one claimed run: builds its context (fenced writes, signal, logger), calls the handler, and records the
 * outcome with one fenced statement: completed (batched with others), canceled, retried or failed. A run aborted
 * for shutdown stays in `held`, and the runtime puts all of those back in the queue in one statement.
 */
import type { Logger } from 'pino';
import type { Queryable } from '../src/db/pool.js';
import {
  completeRuns,
  failRun,
  finishCanceled,
  itemKeysDone,
  recordItem,
  setProgress,
  type ClaimedRun,
  type Completion,
  type Fence,
} from '../src/runs/lease-queries.js';
import { createBatcher } from './batcher.js';
import type { ErrorReporter } from '../src/observability/reporter.js';
import { classifyError, LeaseLostError, RunCanceledError, ShutdownError } from './errors.js';
import type { HandlerRegistry } from './handlers/index.js';
import { isInconclusive, type RunContext } from './handlers/types.js';

/**
 * An AbortController made on first use of `signal`. Most runs are never aborted and many handlers never look at
 * their signal, and creating an AbortSignal for every run showed up in the worker's CPU profile of a burn-down.
 * An abort before the signal exists is remembered and applied when it is created.
 */
export class LazyAbort {
  #controller: AbortController | undefined;
  aborted = false;
  reason: unknown = undefined;

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.aborted) this.#controller.abort(this.reason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.#controller?.abort(reason);
  }
}

export interface HeldRun {
  fence: Fence;
  kind: string;
  controller: LazyAbort;
  /** Items this attempt recorded (a first attempt that recorded none lets the completion skip counting them). */
  items: number;
  /** When the lease was last known extended (claim or heartbeat), by this process's clock. */
  extendedAt: number;
}

export interface ExecutorDeps {
  db: Queryable;
  workerId: string;
  registry: HandlerRegistry;
  log: Logger;
  held: Map<string, HeldRun>;
  backoff: { baseMs: number; maxMs: number };
  /** Handler errors that fail a run for good are reported (Sentry when configured); retryable ones are only logged. */
  reporter?: ErrorReporter;
  /** True (once) when a cancel for this run arrived before the run was in hand. */
  cancelArrivedEarly?: (runId: string) => boolean;
}

/**
 * A child logger made on first use: most runs log nothing, and making thousands of pino children a second is
 * measurable on a small machine.
 */
function lazyChild(parent: Logger, bindings: Record<string, unknown>): Logger {
  let child: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_target, prop) {
      child ??= parent.child(bindings);
      const value = Reflect.get(child, prop, child);
      return typeof value === 'function' ? value.bind(child) : value;
    },
  });
}

async function withRetries<T>(fn: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts - 1) throw err;
      await new Promise((r) => setTimeout(r, 250 * 4 ** i));
    }
  }
}

export function createExecutor(deps: ExecutorDeps) {
  const { db, workerId, registry, held } = deps;
  const debug = deps.log.isLevelEnabled('debug');
  // The answer becomes a set of the runs that were still ours, so each of a batch's runs checks its own id in
  // O(1) rather than scanning the whole answer (500 x 500 comparisons per full batch).
  const completer = createBatcher(async (items: Completion[]) => new Set((await completeRuns(db, workerId, items)).map((r) => r.id)));

  function contextFor(job: ClaimedRun, entry: HeldRun, log: Logger): RunContext {
    const { fence, controller } = entry;
    const lost = (): LeaseLostError => {
      const err = new LeaseLostError(fence.id, fence.attempt);
      controller.abort(err);
      return err;
    };
    // Local fence first: if this process claimed the run again (possible after a database crash lost an
    // asynchronously committed claim), the older handler must not write with a fence that matches again.
    const mine = () => held.get(fence.id) === entry;
    return {
      runId: job.id,
      attempt: job.attempt,
      ownerId: job.ownerId,
      get signal() {
        return controller.signal;
      },
      log,
      async progress(done, total, message) {
        if (!mine() || !(await setProgress(db, fence, { done, total, message: message ?? null }))) throw lost();
      },
      async recordItem(itemKey, data) {
        if (!mine() || !(await recordItem(db, fence, { key: itemKey, status: data.status, result: data.result }))) throw lost();
        entry.items++;
      },
      itemsDone: () => itemKeysDone(db, fence.id),
    };
  }

  interface Outcome {
    ok: boolean;
    result: unknown;
    thrown: unknown;
    reason: unknown;
    expectsItems: boolean;
    items: number;
  }

  /** Runs the handler; settles when the handler does, whatever happened. */
  async function execute(job: ClaimedRun, entry: HeldRun, log: Logger): Promise<Outcome> {
    const handler = registry.get(job.kind);
    let result: unknown;
    let thrown: unknown;
    let ok = false;
    try {
      if (!handler) throw new Error(`No handler for run kind "${job.kind}"`);
      if (debug) log.debug('run started'); // through the lazy child only when it will print: making it costs
      result = await handler.handle(job.payload, contextFor(job, entry, log));
      ok = true;
    } catch (err) {
      thrown = err;
    }
    const abort = entry.controller;
    return { ok, result, thrown, reason: abort.aborted ? abort.reason : thrown, expectsItems: Boolean(handler?.expectsItems), items: entry.items };
  }

  /** Writes the outcome with one fenced statement. Returns true when the run must stay held (shutdown requeue). */
  async function record(job: ClaimedRun, fence: Fence, o: Outcome, log: Logger): Promise<boolean> {
    if (o.reason instanceof LeaseLostError) {
      log.warn('lease lost: another worker owns this run now; nothing written');
      return false;
    }
    if (o.reason instanceof RunCanceledError) {
      if (!(await finishCanceled(db, fence, o.ok ? o.result : undefined))) log.warn('lease lost before the cancel was recorded');
      else log.info('run canceled');
      return false;
    }
    // Before success: a handler that returned because shutdown aborted it may have stopped short, so the run goes
    // back to the queue (its items are kept, so the next attempt resumes) rather than ending with partial work.
    if (o.reason instanceof ShutdownError) return true;
    if (o.ok) {
      const rows = await withRetries(() =>
        completer.add({
          id: job.id,
          attempt: job.attempt,
          result: o.result,
          expectsItems: o.expectsItems,
          inconclusiveReason: isInconclusive(o.result) ? String(o.result.reason || 'The handler found no gradable result.') : null,
          noItems: job.attempt === 1 && o.items === 0,
        }),
      );
      if (!rows.has(job.id)) log.warn('lease lost before completion; result discarded');
      return false;
    }
    const c = classifyError(o.thrown);
    const out = await withRetries(() =>
      failRun(db, { fence, retryable: c.retryable, code: c.code, message: c.message, retryAfterMs: c.retryAfterMs, backoff: deps.backoff }),
    );
    if (!c.retryable || out?.status === 'failed') deps.reporter?.capture(o.thrown, { tags: { runKind: job.kind, runId: job.id, code: c.code } });
    if (!out) log.warn('lease lost before the failure was recorded');
    else log.info({ status: out.status, code: c.code, delayMs: out.delayMs }, `run attempt failed: ${c.message}`);
    return false;
  }

  const pending = new Set<Promise<void>>();

  /**
   * Resolves when the handler settles, which frees the loop's slot; the outcome is written in the background (and
   * the run stays held, so still heartbeated, until it is). Completions of many runs then share one statement
   * instead of each holding a slot through its own round trip.
   */
  async function run(job: ClaimedRun): Promise<void> {
    const fence: Fence = { id: job.id, attempt: job.attempt, workerId };
    const entry: HeldRun = { fence, kind: job.kind, controller: new LazyAbort(), items: 0, extendedAt: Date.now() };
    held.get(job.id)?.controller.abort(new LeaseLostError(job.id, job.attempt - 1));
    held.set(job.id, entry);
    if (deps.cancelArrivedEarly?.(job.id)) entry.controller.abort(new RunCanceledError(job.id));
    const log = lazyChild(deps.log, { runId: job.id, attempt: job.attempt, kind: job.kind });
    const outcome = await execute(job, entry, log);
    const p: Promise<void> = record(job, fence, outcome, log)
      .catch((err) => {
        log.error({ err }, 'could not record the outcome; the lease will expire and the run will be retried');
        return false;
      })
      .then((keep) => {
        if (!keep && held.get(job.id) === entry) held.delete(job.id);
      })
      .finally(() => pending.delete(p));
    pending.add(p);
  }

  /** Resolves when every outcome has been written. */
  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
    await completer.idle();
  }

  return { run, idle };
}
