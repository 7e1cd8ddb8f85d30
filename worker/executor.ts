/**
 * Runs one claimed run: builds its context (fenced writes, signal, logger), calls the handler, and records the
 * outcome with one fenced statement: completed (batched with others), canceled, retried or failed. A run aborted
 * for shutdown stays in `held`, and the runtime puts all of those back in the queue in one statement.
 */
import type { Logger } from 'pino';
import type { Queryable } from '../src/db/pool.js';
import type { ItemStatus } from '../src/runs/types.js';
import {
  failRun,
  finishCanceled,
  itemKeysDone,
  recordItem,
  setProgress,
  type ClaimedRun,
  type Fence,
} from '../src/runs/lease-queries.js';
import { completeRuns, type Completion } from '../src/runs/completion-queries.js';
import { createBatcher, type Batcher } from './batcher.js';
import type { ErrorReporter } from '../src/observability/reporter.js';
import { classifyError, LeaseLostError, OutcomeRecordedElsewhereError, RunCanceledError, ShutdownError } from './errors.js';
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

/**
 * The handler's view of its run. A class, not an object literal of closures: a no-op run is over in microseconds,
 * and the closures, a Proxy for the lazy logger and their garbage were a measurable part of a burn-down's worker
 * CPU (docs/performance.md, "Run queue"). Fenced writes check the local fence first: if this process claimed the
 * run again (possible after a database crash lost an asynchronously committed claim), the older handler must not
 * write with a fence that matches again.
 */
class Context implements RunContext {
  #log: Logger | undefined;
  constructor(
    private readonly job: ClaimedRun,
    private readonly entry: HeldRun,
    private readonly deps: ExecutorDeps,
  ) {}

  get runId() {
    return this.job.id;
  }
  get attempt() {
    return this.job.attempt;
  }
  get ownerId() {
    return this.job.ownerId;
  }
  get leaseOwner() {
    return this.entry.fence.workerId;
  }
  get signal() {
    return this.entry.controller.signal;
  }
  /** Made on first use: most runs log nothing, and a pino child per run is measurable. */
  get log(): Logger {
    return (this.#log ??= this.deps.log.child({ runId: this.job.id, attempt: this.job.attempt, kind: this.job.kind }));
  }

  #lost(): LeaseLostError {
    const err = new LeaseLostError(this.entry.fence.id, this.entry.fence.attempt);
    this.entry.controller.abort(err);
    return err;
  }

  #mine(): boolean {
    return this.deps.held.get(this.entry.fence.id) === this.entry;
  }

  async progress(done: number, total: number | null, message?: string): Promise<void> {
    if (!this.#mine() || !(await setProgress(this.deps.db, this.entry.fence, { done, total, message: message ?? null }))) throw this.#lost();
  }

  async recordItem(itemKey: string, data: { status: ItemStatus; result?: unknown }): Promise<void> {
    if (!this.#mine() || !(await recordItem(this.deps.db, this.entry.fence, { key: itemKey, status: data.status, result: data.result }))) {
      throw this.#lost();
    }
    this.entry.items++;
  }

  itemsDone(): Promise<Set<string>> {
    return itemKeysDone(this.deps.db, this.entry.fence.id);
  }
}

const NONE_LOST: ReadonlySet<string> = new Set();

type Completer = Batcher<Completion, ReadonlySet<string>>;

interface Outcome {
  ok: boolean;
  result: unknown;
  thrown: unknown;
  reason: unknown;
  expectsItems: boolean;
  items: number;
}

/** Runs the handler; settles when the handler does, whatever happened. */
async function execute(deps: ExecutorDeps, job: ClaimedRun, entry: HeldRun, ctx: Context): Promise<Outcome> {
  const handler = deps.registry.get(job.kind);
  let result: unknown;
  let thrown: unknown;
  let ok = false;
  try {
    if (!handler) throw new Error(`No handler for run kind "${job.kind}"`);
    if (deps.log.isLevelEnabled('debug')) ctx.log.debug('run started'); // makes the lazy child only when it will print
    result = await handler.handle(job.payload, ctx);
    ok = true;
  } catch (err) {
    thrown = err;
  }
  const abort = entry.controller;
  return { ok, result, thrown, reason: abort.aborted ? abort.reason : thrown, expectsItems: Boolean(handler?.expectsItems), items: entry.items };
}

/** Writes the outcome with one fenced statement. Returns true when the run must stay held (shutdown requeue). */
async function record(deps: ExecutorDeps, completer: Completer, job: ClaimedRun, fence: Fence, o: Outcome, ctx: Context): Promise<boolean> {
  const { db } = deps;
  if (o.thrown instanceof OutcomeRecordedElsewhereError) {
    ctx.log.info(`outcome recorded by ${o.thrown.where}; nothing more to write`);
    return false;
  }
  if (o.reason instanceof LeaseLostError) {
    ctx.log.warn('lease lost: another worker owns this run now; nothing written');
    return false;
  }
  if (o.reason instanceof RunCanceledError) {
    if (!(await finishCanceled(db, fence, o.ok ? o.result : undefined))) ctx.log.warn('lease lost before the cancel was recorded');
    else ctx.log.info('run canceled');
    return false;
  }
  // Before success: a handler that returned because shutdown aborted it may have stopped short, so the run goes
  // back to the queue (its items are kept, so the next attempt resumes) rather than ending with partial work.
  if (o.reason instanceof ShutdownError) return true;
  if (o.ok) {
    const lost = await completer.add({
      id: job.id,
      attempt: job.attempt,
      result: o.result,
      expectsItems: o.expectsItems,
      inconclusiveReason: isInconclusive(o.result) ? String(o.result.reason || 'The handler found no gradable result.') : null,
      noItems: job.attempt === 1 && o.items === 0,
    });
    if (lost.has(job.id)) ctx.log.warn('lease lost before completion; result discarded');
    return false;
  }
  const c = classifyError(o.thrown);
  const out = await withRetries(() =>
    failRun(db, { fence, retryable: c.retryable, code: c.code, message: c.message, retryAfterMs: c.retryAfterMs, backoff: deps.backoff }),
  );
  if (!c.retryable || out?.status === 'failed') deps.reporter?.capture(o.thrown, { tags: { runKind: job.kind, runId: job.id, code: c.code } });
  if (!out) ctx.log.warn('lease lost before the failure was recorded');
  else ctx.log.info({ status: out.status, code: c.code, delayMs: out.delayMs }, `run attempt failed: ${c.message}`);
  return false;
}

export function createExecutor(deps: ExecutorDeps) {
  const { db, workerId, held } = deps;
  // One statement completes a batch, and a failed statement is retried whole (a database blip, say). The answer is
  // the runs that were no longer ours, usually none.
  const completer = createBatcher(async (items: Completion[]) => {
    const lost = await withRetries(() => completeRuns(db, workerId, items));
    return lost.length === 0 ? NONE_LOST : new Set(lost);
  });

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
    const ctx = new Context(job, entry, deps);
    const outcome = await execute(deps, job, entry, ctx);
    const p: Promise<void> = record(deps, completer, job, fence, outcome, ctx)
      .catch((err) => {
        ctx.log.error({ err }, 'could not record the outcome; the lease will expire and the run will be retried');
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
