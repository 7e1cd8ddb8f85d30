/**
 * SQL of a benchmark run's per-item records: the group-committed, fenced write of each (item, sample) row, the reads
 * behind the item list, the item view and the JSONL export, and "retry errored items".
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';
import type { Verdict } from './grade.js';

/** `item_id#sample` of every recorded row: a resumed run skips these and never pays for them again. */
export async function doneItemKeys(db: Queryable, benchRunId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ k: string }>(`SELECT item_id || '#' || sample AS k FROM bench_items WHERE bench_run_id = $1`, [benchRunId]);
  return new Set(rows.map((r) => r.k));
}

export interface ItemRecord {
  itemId: string;
  sample: number;
  itemHash: string;
  kind: string;
  topic: string;
  promptId: string;
  promptVersion: string;
  prompt: string;
  response: string | null;
  /** Reasoning returned apart from the answer (never graded). */
  reasoning: string | null;
  extracted: string | null;
  extraction: string | null;
  verdict: Verdict;
  graderOutput: unknown;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  latencyMs: number | null;
  costUsd: number | null;
  attempts: number;
  errorKind: string | null;
  errorMessage: string | null;
  stopReason: string | null;
  answeredBy: string | null;
  /** The provider's fingerprint of the backend that answered; each new one is added to the run's provenance. */
  fingerprint?: string | null;
}

/** What grading the item cost on top of the model's answer (a judge model's call), added to the run's spend. */
export interface ExtraSpend {
  usd: number | null;
  tokens: number;
}

/** One item to record, with what grading it cost on top of the answer (a judge's call). */
export interface ItemWrite {
  record: ItemRecord;
  extra: ExtraSpend;
}

/**
 * Records a batch of items and adds their cost to the run's spend, in one statement (the executor group-commits:
 * every item that finished while the previous batch was being written goes in the next). Fenced on the queue run's
 * attempt (the fencing token of src/runs): a worker that lost the run writes nothing. ON CONFLICT DO NOTHING keeps
 * the first row of an (item, sample) if two attempts ever raced past the fence, and such a row adds no spend.
 * The rows travel as one jsonb array, so the statement's text and plan are the same for every batch size.
 * Returns false when the fence failed.
 */
export async function recordBenchItems(db: Queryable, fence: { runId: string; attempt: number; benchRunId: string }, writes: ItemWrite[]): Promise<boolean> {
  const rows = writes.map(({ record: r, extra }, ord) => ({
    item_id: r.itemId, sample: r.sample, item_hash: r.itemHash, kind: r.kind, topic: r.topic, prompt_id: r.promptId, prompt_version: r.promptVersion,
    prompt: r.prompt, response: r.response, reasoning: r.reasoning, extracted: r.extracted, extraction: r.extraction, verdict: r.verdict,
    grader_output: r.graderOutput, input_tokens: r.inputTokens, output_tokens: r.outputTokens, cached_tokens: r.cachedTokens,
    latency_ms: r.latencyMs === null ? null : Math.round(r.latencyMs), cost_usd: r.costUsd, attempts: r.attempts, error_kind: r.errorKind,
    error_message: r.errorMessage, stop_reason: r.stopReason, answered_by: r.answeredBy, extra_usd: extra.usd ?? 0, extra_tokens: extra.tokens,
    fingerprint: r.fingerprint ?? null, ord,
  }));
  const { rows: out } = await db.query<{ fenced: boolean }>({
    name: 'bench_record_items',
    text: `WITH fence AS (SELECT 1 FROM runs WHERE id = $1 AND attempts = $2 AND status = 'running'),
     input AS (
       SELECT * FROM jsonb_to_recordset($4::jsonb) AS x(item_id text, sample int, item_hash text, kind text, topic text, prompt_id text,
         prompt_version text, prompt text, response text, reasoning text, extracted text, extraction text, verdict text, grader_output jsonb,
         input_tokens int, output_tokens int, cached_tokens int, latency_ms int, cost_usd numeric, attempts int, error_kind text,
         error_message text, stop_reason text, answered_by text, extra_usd numeric, extra_tokens bigint, fingerprint text, ord int)
     ),
     ins AS (
       INSERT INTO bench_items (bench_run_id, item_id, sample, item_hash, kind, topic, prompt_id, prompt_version, prompt, response,
         reasoning, extracted, extraction, verdict, grader_output, input_tokens, output_tokens, cached_tokens, latency_ms, cost_usd,
         attempts, error_kind, error_message, stop_reason, answered_by, run_attempt)
       SELECT $3, item_id, sample, item_hash, kind, topic, prompt_id, prompt_version, prompt, response, reasoning, extracted, extraction,
         verdict, grader_output, input_tokens, output_tokens, cached_tokens, latency_ms, cost_usd, attempts, error_kind, error_message,
         stop_reason, answered_by, $2
       FROM input WHERE EXISTS (SELECT 1 FROM fence)
       ON CONFLICT DO NOTHING
       RETURNING item_id, sample
     ),
     added AS (
       SELECT coalesce(sum(coalesce(i.cost_usd, 0) + i.extra_usd), 0) AS usd, coalesce(sum(i.input_tokens + i.output_tokens + i.extra_tokens), 0) AS tokens
       FROM input i JOIN ins USING (item_id, sample)
     ),
     fps AS (
       SELECT jsonb_agg(to_jsonb(f.fingerprint) ORDER BY f.ord) AS list
       FROM (SELECT i.fingerprint, min(i.ord) AS ord FROM input i JOIN ins USING (item_id, sample)
             WHERE i.fingerprint IS NOT NULL
               AND NOT coalesce((SELECT provenance->'fingerprints' FROM bench_runs WHERE id = $3), '[]'::jsonb) ? i.fingerprint
             GROUP BY i.fingerprint) f
     ),
     spend AS (
       UPDATE bench_runs b SET spent_usd = b.spent_usd + added.usd, spent_tokens = b.spent_tokens + added.tokens, state = 'active', state_reason = NULL,
         -- Provenance keeps every distinct system fingerprint the provider reported, in the order first seen.
         provenance = CASE WHEN fps.list IS NULL THEN b.provenance
           ELSE jsonb_set(b.provenance, '{fingerprints}', coalesce(b.provenance->'fingerprints', '[]'::jsonb) || fps.list) END
       FROM added, fps WHERE b.id = $3 AND EXISTS (SELECT 1 FROM ins)
     )
     SELECT EXISTS (SELECT 1 FROM fence) AS fenced`,
    values: [fence.runId, fence.attempt, fence.benchRunId, JSON.stringify(rows)],
  });
  return out[0]!.fenced;
}

export interface ItemRow extends ItemRecord {
  recordedAt: Date;
  runAttempt: number;
}

function rowToItem(r: Record<string, any>): ItemRow {
  return {
    itemId: r.item_id,
    sample: r.sample,
    itemHash: r.item_hash,
    kind: r.kind,
    topic: r.topic,
    promptId: r.prompt_id,
    promptVersion: r.prompt_version,
    prompt: r.prompt,
    response: r.response,
    reasoning: r.reasoning,
    extracted: r.extracted,
    extraction: r.extraction,
    verdict: r.verdict,
    graderOutput: r.grader_output,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cachedTokens: r.cached_tokens,
    latencyMs: r.latency_ms,
    costUsd: numberOrNull(r.cost_usd),
    attempts: r.attempts,
    errorKind: r.error_kind,
    errorMessage: r.error_message,
    stopReason: r.stop_reason,
    answeredBy: r.answered_by,
    recordedAt: r.recorded_at,
    runAttempt: r.run_attempt,
  };
}

export async function listBenchItems(db: Queryable, benchRunId: string, verdict?: Verdict): Promise<ItemRow[]> {
  const { rows } = await db.query(
    `SELECT * FROM bench_items WHERE bench_run_id = $1 AND ($2::text IS NULL OR verdict = $2) ORDER BY recorded_at, item_id, sample`,
    [benchRunId, verdict ?? null],
  );
  return rows.map(rowToItem);
}

/**
 * One page of a run's items after (itemId, sample), in primary-key order: the JSONL stream reads a run of any size
 * a page at a time, each page one index range scan, instead of holding every row (prompts and responses) at once.
 */
export async function listBenchItemsPage(db: Queryable, benchRunId: string, after: { itemId: string; sample: number } | null, limit: number): Promise<ItemRow[]> {
  const { rows } = await db.query(
    `SELECT * FROM bench_items WHERE bench_run_id = $1 AND ($2::text IS NULL OR (item_id, sample) > ($2, $3::int))
     ORDER BY item_id, sample LIMIT $4`,
    [benchRunId, after?.itemId ?? null, after?.sample ?? 0, limit],
  );
  return rows.map(rowToItem);
}

export async function getBenchItem(db: Queryable, benchRunId: string, itemId: string, sample: number): Promise<ItemRow | null> {
  const { rows } = await db.query(`SELECT * FROM bench_items WHERE bench_run_id = $1 AND item_id = $2 AND sample = $3`, [benchRunId, itemId, sample]);
  return rows[0] ? rowToItem(rows[0]) : null;
}

/**
 * Retry errored items, as one statement: the run's `error` rows move to bench_item_history and the benchmark points
 * at its new queue run, which will find those items not done and send only them. Returns how many rows moved.
 */
export async function retireErroredItems(db: Queryable, benchRunId: string, newRunId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `WITH moved AS (DELETE FROM bench_items WHERE bench_run_id = $1 AND verdict = 'error' RETURNING *),
     -- By column name, not position: columns added to both tables later (reasoning) land at different positions.
     kept AS (INSERT INTO bench_item_history SELECT (jsonb_populate_record(NULL::bench_item_history, to_jsonb(moved) || jsonb_build_object('retired_at', now()))).* FROM moved),
     repoint AS (UPDATE bench_runs SET run_id = $2, state = 'active', state_reason = NULL WHERE id = $1)
     SELECT count(*)::int AS n FROM moved`,
    [benchRunId, newRunId],
  );
  return rows[0]!.n;
}

export async function countItemHistory(db: Queryable, benchRunId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_item_history WHERE bench_run_id = $1`, [benchRunId]);
  return rows[0]!.n;
}
