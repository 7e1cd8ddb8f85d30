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

export interface HeldRun {
  fence: Fence;
  kind: string;
  controller: AbortController;
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
  const completer = createBatcher((items: Completion[]) => completeRuns(db, workerId, items));

  function contextFor(job: ClaimedRun, fence: Fence, controller: AbortController, log: Logger): RunContext {
    const lost = (): LeaseLostError => {
      const err = new LeaseLostError(fence.id, fence.attempt);
      if (!controller.signal.aborted) controller.abort(err);
      return err;
    };
    return {
      runId: job.id,
      attempt: job.attempt,
      ownerId: job.ownerId,
      signal: controller.signal,
      log,
      async progress(done, total, message) {
        if (!(await setProgress(db, fence, { done, total, message: message ?? null }))) throw lost();
      },
      async recordItem(itemKey, data) {
        if (!(await recordItem(db, fence, { key: itemKey, status: data.status, result: data.result }))) throw lost();
      },
      itemsDone: () => itemKeysDone(db, fence.id),
    };
  }

  async function run(job: ClaimedRun): Promise<void> {
    const fence: Fence = { id: job.id, attempt: job.attempt, workerId };
    const controller = new AbortController();
    held.set(job.id, { fence, kind: job.kind, controller, extendedAt: Date.now() });
    const log = deps.log.child({ runId: job.id, attempt: job.attempt, kind: job.kind });
    let keepForRequeue = false;
    try {
      const handler = registry.get(job.kind);
      let result: unknown;
      let thrown: unknown;
      let ok = false;
      try {
        if (!handler) throw new Error(`No handler for run kind "${job.kind}"`);
        log.debug('run started');
        result = await handler.handle(job.payload, contextFor(job, fence, controller, log));
        ok = true;
      } catch (err) {
        thrown = err;
      }
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : thrown;
      if (reason instanceof LeaseLostError) {
        log.warn('lease lost: another worker owns this run now; nothing written');
        return;
      }
      if (reason instanceof RunCanceledError) {
        if (!(await finishCanceled(db, fence, ok ? result : undefined))) log.warn('lease lost before the cancel was recorded');
        else log.info('run canceled');
        return;
      }
      if (ok) {
        const rows = await withRetries(() =>
          completer.add({
            id: job.id,
            attempt: job.attempt,
            result,
            expectsItems: Boolean(handler?.expectsItems),
            inconclusiveReason: isInconclusive(result) ? String(result.reason || 'The handler found no gradable result.') : null,
          }),
        );
        if (!rows.some((r) => r.id === job.id)) log.warn('lease lost before completion; result discarded');
        return;
      }
      if (reason instanceof ShutdownError) {
        keepForRequeue = true;
        return;
      }
      const c = classifyError(thrown);
      const out = await withRetries(() =>
        failRun(db, { fence, retryable: c.retryable, code: c.code, message: c.message, retryAfterMs: c.retryAfterMs, backoff: deps.backoff }),
      );
      if (!c.retryable || out?.status === 'failed') deps.reporter?.capture(thrown, { tags: { runKind: job.kind, runId: job.id, code: c.code } });
      if (!out) log.warn('lease lost before the failure was recorded');
      else log.info({ status: out.status, code: c.code, delayMs: out.delayMs }, `run attempt failed: ${c.message}`);
    } finally {
      if (!keepForRequeue) held.delete(job.id);
    }
  }

  return { run, idle: () => completer.idle() };
}
