/**
 * What the benchmark pages and API read: a run is seen by its owner and by admins (anyone else gets a 404, so run ids
 * leak nothing; who may use benchmarks at all is src/bench/access.ts), and view models with the arithmetic done here, not in templates. No Fastify imports.
 */
import type { CurrentUser } from '../auth/current-user.js';
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/pool.js';
import { AppError, notFound } from '../errors.js';
import { enqueueRun } from '../runs/enqueue.js';
import { cancelRun } from '../runs/queries.js';
import { isTerminal } from '../runs/types.js';
import { runMachinesView } from '../dispatch/view.js';
import { accuracyChart, deltaChart } from './charts.js';
import { compareRuns } from './compare.js';
import { exportKey, itemsCsv, itemsJsonlText, signBundle } from './export.js';
import { VERDICTS, type Verdict } from './grade.js';
import { BENCH_RUN_KIND } from './kinds.js';
import { countItemHistory, getBenchItem, listBenchItems, listBenchItemsPage, retireErroredItems, type ItemRow } from './item-queries.js';
import { getBenchRun, getBenchRuns, listBenchRuns, type BenchRunRow } from './queries.js';
import { scoreRun, type RunScores } from './scores.js';

async function benchFor(db: Queryable, id: string, user: CurrentUser): Promise<BenchRunRow> {
  const run = await getBenchRun(db, id);
  if (!run || (run.ownerId !== user.id && !user.isAdmin)) throw notFound('Benchmark run');
  return run;
}

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;

export function formatScore(s: { accuracy: { p: number; lo: number; hi: number } | null }): string {
  if (!s.accuracy) return '—';
  return `${pct(s.accuracy.p)} (95% CI ${pct(s.accuracy.lo)}–${pct(s.accuracy.hi)})`;
}

export interface BenchRunView extends BenchRunRow {
  terminal: boolean;
  percent: number | null;
  scoreText: string;
  costText: string;
  etaText: string | null;
}

function viewOf(run: BenchRunRow, scores: RunScores | null, now = Date.now()): BenchRunView {
  const total = run.itemCount * run.samples;
  const done = run.progressDone ?? 0;
  const terminal = isTerminal(run.status);
  let etaText: string | null = null;
  if (!terminal && run.startedAt && done > 0 && done < total) {
    const perItem = (now - run.startedAt.getTime()) / done;
    etaText = `about ${Math.max(1, Math.round((perItem * (total - done)) / 1000))} s left`;
  }
  const fromResult = (run.result as { scores?: RunScores } | null)?.scores ?? null;
  const s = scores ?? fromResult;
  return {
    ...run,
    terminal,
    percent: total > 0 ? Math.min(100, Math.round(((terminal && run.status === 'succeeded' ? total : done) / total) * 100)) : null,
    scoreText: s ? formatScore(s) : '—',
    costText: s && !s.costKnown ? 'price unknown' : `$${run.spentUsd.toFixed(4)}`,
    etaText,
  };
}

export async function benchList(db: Queryable, user: CurrentUser) {
  const runs = await listBenchRuns(db, user.isAdmin ? null : user.id);
  const views = runs.map((r) => viewOf(r, null));
  return { runs: views, anyActive: views.some((r) => !r.terminal), publicKey: await exportPublicKey(db) };
}

export async function benchPage(db: Queryable, id: string, user: CurrentUser, verdict?: string) {
  const run = await benchFor(db, id, user);
  const items = await listBenchItems(db, run.id);
  const scores = scoreRun(items, run.samples);
  const filter = VERDICTS.includes(verdict as Verdict) ? (verdict as Verdict) : null;
  const shown = filter ? items.filter((i) => i.verdict === filter) : items;
  const topics = scores.byTopic.filter((t) => t.accuracy).map((t) => ({ label: t.topic, ...t.accuracy! }));
  const siblings = (await listBenchRuns(db, user.isAdmin ? null : user.id, 200)).filter((r) => r.groupId === run.groupId && r.id !== run.id);
  return {
    run: viewOf(run, scores),
    scores,
    scoreText: formatScore(scores),
    topicChart: topics.length ? accuracyChart(topics) : null,
    items: shown.slice(0, 500),
    itemsHidden: Math.max(0, shown.length - 500),
    filter,
    verdicts: VERDICTS,
    siblings,
    history: await countItemHistory(db, run.id),
    remote: run.remote ? await runMachinesView(db, run.runId) : null,
  };
}

export async function benchItemPage(db: Queryable, id: string, itemId: string, sample: number, user: CurrentUser): Promise<{ run: BenchRunRow; item: ItemRow; graderJson: string | null }> {
  const run = await benchFor(db, id, user);
  const item = await getBenchItem(db, run.id, itemId, sample);
  if (!item) throw notFound('Item');
  return { run, item, graderJson: item.graderOutput === null ? null : JSON.stringify(item.graderOutput, null, 2) };
}

export async function cancelBench(db: Queryable, id: string, user: CurrentUser) {
  const run = await benchFor(db, id, user);
  return cancelRun(db, run.runId, user.id);
}

export async function comparePage(db: Queryable, ids: string[], user: CurrentUser) {
  if (ids.length !== 2) throw new AppError('bad_request', 'Compare takes exactly two run ids: /bench/compare?runs=1,2');
  const runs = await getBenchRuns(db, ids);
  const [a, b] = ids.map((id) => runs.find((r) => r.id === id));
  if (!a || !b || [a, b].some((r) => r.ownerId !== user.id && !user.isAdmin)) throw notFound('Benchmark run');
  const [ia, ib] = await Promise.all([listBenchItems(db, a.id), listBenchItems(db, b.id)]);
  const comparison = compareRuns(ia, ib);
  return {
    a: viewOf(a, scoreRun(ia, a.samples)),
    b: viewOf(b, scoreRun(ib, b.samples)),
    comparison,
    sameSeed: a.seed === b.seed && a.datasetHash === b.datasetHash,
    deltaChart: comparison.byTopic.length ? deltaChart(comparison.byTopic.map((t) => ({ label: t.topic, ...t }))) : null,
  };
}

/** The API's view of a run: status, counts, accuracy with its interval, tokens and cost. */
export async function runSummary(db: Queryable, id: string, user: CurrentUser) {
  const run = await benchFor(db, id, user);
  const items = await listBenchItems(db, run.id);
  const scores = scoreRun(items, run.samples);
  return {
    id: run.id,
    runId: run.runId,
    status: run.status,
    state: run.state,
    stateReason: run.stateReason,
    error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
    provider: run.provider,
    model: run.model,
    dataset: run.dataset,
    datasetHash: run.datasetHash,
    seed: run.seed,
    samples: run.samples,
    items: run.itemCount,
    progress: { done: items.length, total: run.itemCount * run.samples },
    counts: scores.counts,
    accuracy: scores.accuracy,
    // Written answers scored offline: an estimate, never part of the counts or the accuracy above.
    estimate: scores.estimate,
    judge: (run.params as { judge?: unknown }).judge ?? null,
    passAtK: scores.passAtK,
    tokens: scores.tokens,
    costUsd: scores.costKnown ? scores.costUsd : null,
    budget: { usd: run.budgetUsd, tokens: run.budgetTokens },
    spent: { usd: run.spentUsd, tokens: run.spentTokens },
    concurrency: run.concurrency,
    provenance: run.provenance,
  };
}

/** Rows per page of the items stream: a few hundred rows of prompt and response text at a time. */
const ITEMS_PAGE = 200;

/**
 * The run's items as JSONL, one line per (item, sample) in id order, read a page at a time. Access is checked
 * before the first line, so a refusal is still a plain 404.
 */
export async function itemsJsonl(db: Queryable, id: string, user: CurrentUser): Promise<AsyncGenerator<string>> {
  const run = await benchFor(db, id, user);
  return (async function* () {
    let after: { itemId: string; sample: number } | null = null;
    for (;;) {
      const page = await listBenchItemsPage(db, run.id, after, ITEMS_PAGE);
      if (page.length > 0) yield itemsJsonlText(page);
      if (page.length < ITEMS_PAGE) return;
      const last = page[page.length - 1]!;
      after = { itemId: last.itemId, sample: last.sample };
    }
  })();
}

export async function exportFile(db: Queryable, id: string, user: CurrentUser, kind: 'csv' | 'summary' | 'bundle'): Promise<string> {
  const run = await benchFor(db, id, user);
  const items = await listBenchItems(db, run.id);
  if (kind === 'csv') return itemsCsv(items);
  const summary = JSON.stringify(await runSummary(db, id, user), null, 2) + '\n';
  if (kind === 'summary') return summary;
  const files = { 'summary.json': summary, 'items.jsonl': itemsJsonlText(items), 'items.csv': itemsCsv(items) };
  return JSON.stringify(signBundle(await exportKey(db), run.id, files), null, 2) + '\n';
}

export async function exportPublicKey(db: Queryable): Promise<string> {
  return (await exportKey(db)).publicKey;
}

/**
 * Re-runs only the items recorded as `error`: they move to the run's history and a new queue run executes the
 * benchmark again, which skips every item still recorded. Only for a finished run with errors.
 */
export async function retryErrored(pool: pg.Pool, id: string, user: CurrentUser): Promise<{ id: string; runId: string; retried: number }> {
  const run = await benchFor(pool, id, user);
  if (!isTerminal(run.status)) throw new AppError('conflict', 'The run is still going: retry its errored items once it has finished.');
  const errors = (await listBenchItems(pool, run.id, 'error')).length;
  if (errors === 0) throw new AppError('bad_request', 'This run has no errored items to retry.');
  return withTransaction(pool, async (client) => {
    const { id: runId } = await enqueueRun(client, { kind: BENCH_RUN_KIND, ownerId: run.ownerId, payload: {}, maxAttempts: 5 });
    const retried = await retireErroredItems(client, run.id, runId);
    return { id: run.id, runId, retried };
  });
}
