/**
 * SQL of benchmark runs. A bench run's lifecycle (queued, running, done) is its queue run's (src/runs); these
 * statements keep what only a benchmark has: the sampled items, spend, pause state and concurrency. The per-item
 * records are in item-queries.ts, what scoring reads in score-queries.ts.
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';
import type { RunStatus } from '../runs/types.js';

export interface BenchRunRow {
  id: string;
  runId: string;
  ownerId: string | null;
  groupId: string;
  provider: string;
  model: string;
  dataset: string;
  datasetHash: string;
  seed: string;
  params: BenchParams;
  items: { id: string; hash: string }[];
  itemCount: number;
  samples: number;
  budgetUsd: number | null;
  budgetTokens: number | null;
  estimateUsd: number | null;
  estimateTokens: number;
  spentUsd: number;
  spentTokens: number;
  state: 'active' | 'paused';
  stateReason: string | null;
  concurrency: number;
  concurrencyLog: { at: string; from: number; to: number; why: string }[];
  provenance: Record<string, unknown>;
  createdAt: Date;
  /** From the queue run. */
  status: RunStatus;
  progressDone: number | null;
  progressTotal: number | null;
  progressMessage: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  result: unknown;
  startedAt: Date | null;
  finishedAt: Date | null;
  cancelRequested: boolean;
  /** Dispatched to a remote machine (BENCH_REMOTE=fly when it was created); docs/dispatch.md. */
  remote: boolean;
}

export interface BenchParams {
  filters: { kinds?: string[]; topics?: string[]; difficulties?: string[]; tags?: string[] };
  subset: { count?: number; percent?: number };
  temperature: number;
  maxOutputTokens: number;
  concurrency: number;
  /** The model that scores written items; absent: they get the offline keyword estimate. */
  judge?: { provider: string; model: string };
}

function rowToBenchRun(r: Record<string, any>): BenchRunRow {
  return {
    id: r.id,
    runId: r.run_id,
    ownerId: r.owner_id,
    groupId: r.group_id,
    provider: r.provider,
    model: r.model,
    dataset: r.dataset,
    datasetHash: r.dataset_hash,
    seed: r.seed,
    params: r.params,
    items: r.items,
    itemCount: r.item_count,
    samples: r.samples,
    budgetUsd: numberOrNull(r.budget_usd),
    budgetTokens: numberOrNull(r.budget_tokens),
    estimateUsd: numberOrNull(r.estimate_usd),
    estimateTokens: Number(r.estimate_tokens),
    spentUsd: Number(r.spent_usd),
    spentTokens: Number(r.spent_tokens),
    state: r.state,
    stateReason: r.state_reason,
    concurrency: r.concurrency,
    concurrencyLog: r.concurrency_log,
    provenance: r.provenance,
    createdAt: r.created_at,
    status: r.status,
    progressDone: r.progress_done,
    progressTotal: r.progress_total,
    progressMessage: r.progress_message,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    result: r.result,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    cancelRequested: r.cancel_requested_at !== null,
    remote: r.remote,
  };
}

const SELECT_RUN = `SELECT b.id::text AS id, b.run_id::text AS run_id, b.owner_id, b.group_id, b.provider, b.model, b.dataset,
  b.dataset_hash, b.seed, b.params, b.items, b.item_count, b.samples, b.budget_usd, b.budget_tokens, b.estimate_usd,
  b.estimate_tokens, b.spent_usd, b.spent_tokens, b.state, b.state_reason, b.concurrency, b.concurrency_log, b.provenance,
  b.created_at, r.status, r.progress_done, r.progress_total, r.progress_message, r.error_code, r.error_message, r.result,
  r.started_at, r.finished_at, r.cancel_requested_at, b.remote
  FROM bench_runs b JOIN runs r ON r.id = b.run_id`;

/** What creating a run stores; the rest of BenchRunRow is filled in by defaults and by the queue run. */
export type NewBenchRun = Pick<
  BenchRunRow,
  'runId' | 'groupId' | 'provider' | 'model' | 'dataset' | 'datasetHash' | 'seed' | 'params' | 'items' | 'samples' | 'budgetUsd' | 'budgetTokens' | 'estimateUsd' | 'estimateTokens' | 'provenance'
> & { ownerId: string | null; remote?: boolean };

export async function insertBenchRun(db: Queryable, b: NewBenchRun): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO bench_runs (run_id, owner_id, group_id, provider, model, dataset, dataset_hash, seed, params, items,
       item_count, samples, budget_usd, budget_tokens, estimate_usd, estimate_tokens, concurrency, provenance, remote)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     RETURNING id::text AS id`,
    [
      b.runId, b.ownerId, b.groupId, b.provider, b.model, b.dataset, b.datasetHash, b.seed, JSON.stringify(b.params),
      JSON.stringify(b.items), b.items.length, b.samples, b.budgetUsd, b.budgetTokens, b.estimateUsd, b.estimateTokens,
      b.params.concurrency, JSON.stringify(b.provenance), b.remote ?? false,
    ],
  );
  return rows[0]!.id;
}

export async function getBenchRun(db: Queryable, id: string): Promise<BenchRunRow | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const { rows } = await db.query(`${SELECT_RUN} WHERE b.id = $1`, [id]);
  return rows[0] ? rowToBenchRun(rows[0]) : null;
}

export async function getBenchRunByRunId(db: Queryable, runId: string): Promise<BenchRunRow | null> {
  const { rows } = await db.query(`${SELECT_RUN} WHERE b.run_id = $1`, [runId]);
  return rows[0] ? rowToBenchRun(rows[0]) : null;
}

/** Newest first; everyone's when ownerId is null (admins). */
export async function listBenchRuns(db: Queryable, ownerId: string | null, limit = 100): Promise<BenchRunRow[]> {
  const { rows } = await db.query(`${SELECT_RUN} WHERE ($1::uuid IS NULL OR b.owner_id = $1) ORDER BY b.id DESC LIMIT $2`, [ownerId, limit]);
  return rows.map(rowToBenchRun);
}

export async function getBenchRuns(db: Queryable, ids: string[]): Promise<BenchRunRow[]> {
  const { rows } = await db.query(`${SELECT_RUN} WHERE b.id = ANY($1::bigint[]) ORDER BY b.id`, [ids]);
  return rows.map(rowToBenchRun);
}

/** Paused (with the reason shown on the page) or active again. */
export async function setBenchState(db: Queryable, benchRunId: string, state: 'active' | 'paused', reason: string | null): Promise<void> {
  await db.query(`UPDATE bench_runs SET state = $2, state_reason = $3 WHERE id = $1`, [benchRunId, state, reason]);
}

/** Appends one change of the adaptive concurrency and sets the current value, in one statement. */
export async function recordConcurrency(db: Queryable, benchRunId: string, change: { at: string; from: number; to: number; why: string }): Promise<void> {
  await db.query(`UPDATE bench_runs SET concurrency = $2, concurrency_log = concurrency_log || jsonb_build_array($3::jsonb) WHERE id = $1`, [
    benchRunId,
    change.to,
    JSON.stringify(change),
  ]);
}
