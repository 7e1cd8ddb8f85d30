/**
 * Executing a benchmark run, as the worker's `bench-run` handler does it: every (item, sample) not yet recorded is
 * sent to the model under an adaptive concurrency limit, graded, and recorded with one fenced statement. Safe to
 * run again after a crash: recorded rows are skipped, so a resumed run never pays for an item twice.
 *
 * Three things stop a run early: a cancel (the signal), the run's own budget (BudgetSpentError; the items done are
 * kept), and a lost lease (the fence). The owner's daily token cap does not stop it: the run pauses, says so, and
 * tries again every `pausePollMs` until the cap has room (a new UTC day, or an admin raised it).
 */
import { setMaxListeners } from 'node:events';
import type { Queryable } from '../db/pool.js';
import type { Llm } from '../llm/index.js';
import type { BenchItem } from './dataset.js';
import type { CodeGradingPort } from './grade.js';
import { doneItemKeys } from './item-queries.js';
import { getBenchRunByRunId } from './queries.js';
import { listScoreRows } from './score-queries.js';
import { Runner, type Task } from './runner.js';
import { scoreRun, type RunScores } from './scores.js';

export interface ExecuteDeps {
  db: Queryable;
  llm: Pick<Llm, 'invoke'>;
  code: CodeGradingPort;
  /** The dataset's items by id, as this process has them (an imported dataset at the version `hash`). */
  resolveItems(dataset: string, hash: string): Promise<Map<string, BenchItem>>;
  /** Makes models synced since this process started callable (Llm.loadModels). */
  refreshModels?(): Promise<void>;
  /** How often a paused run asks the daily cap again. */
  pausePollMs: number;
}

export interface ExecuteContext {
  runId: string;
  attempt: number;
  signal: AbortSignal;
  progress(done: number, total: number | null, message?: string): Promise<void>;
  /** The error to throw when a fenced write finds the run no longer ours. */
  leaseLost(): Error;
}

export class BudgetSpentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetSpentError';
  }
}

export interface BenchSummary {
  benchRunId: string;
  scores: RunScores;
  inconclusive?: true;
  reason?: string;
}

export async function executeBenchRun(deps: ExecuteDeps, ctx: ExecuteContext): Promise<BenchSummary> {
  const bench = await getBenchRunByRunId(deps.db, ctx.runId);
  if (!bench) throw new Error(`run ${ctx.runId} has no benchmark record`);
  // Every call in flight listens on the run's signal (the SDK, the retry sleeps): a few per slot, not a leak.
  setMaxListeners(bench.params.concurrency * 4 + 10, ctx.signal);
  await deps.refreshModels?.();
  const available = await deps.resolveItems(bench.dataset, bench.datasetHash);
  const done = await doneItemKeys(deps.db, bench.id);
  const total = bench.items.length * bench.samples;
  const tasks: Task[] = [];
  const changed: { id: string; hash: string }[] = [];
  for (const ref of bench.items) {
    const item = available.get(ref.id);
    for (let sample = 0; sample < bench.samples; sample++) {
      if (done.has(`${ref.id}#${sample}`)) continue;
      if (!item || item.hash !== ref.hash) changed.push(ref);
      else tasks.push({ item, sample });
    }
  }
  const run = new Runner(deps, ctx, bench, done.size, total);
  for (const ref of changed) await run.recordChanged(ref);
  await run.all(tasks);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  // When this execution recorded the last item, that write already said "N of N" (Runner's #record).
  const reported = tasks.length + changed.length > 0 && run.done === total;
  if (!reported) await ctx.progress(run.done, total, run.budgetStop ? 'Stopped: budget spent' : `${run.done} of ${total} items`);
  if (run.budgetStop) {
    throw new BudgetSpentError(`${run.budgetStop}: ${run.done} of ${total} items done and kept; the rest were not sent.`);
  }
  return summarize(deps.db, bench.id, bench.samples);
}

export async function summarize(db: Queryable, benchRunId: string, samples: number): Promise<BenchSummary> {
  const scores = scoreRun(await listScoreRows(db, benchRunId), samples);
  if (scores.graded === 0) {
    const reason = scores.estimate
      ? 'No item was judged: written answers were only estimated offline (no judge model), and nothing else could be graded.'
      : 'No item could be graded: every call ended in an error.';
    return { benchRunId, scores, inconclusive: true, reason };
  }
  return { benchRunId, scores };
}
