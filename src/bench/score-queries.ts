/**
 * What scoring reads. A run's own score reads only the columns scoreRun uses, not every prompt and response: a run's
 * end scores all its rows, and a 10,000-item run would otherwise pull megabytes of text it never looks at. The
 * models' per-topic rates on /progress read the latest run of each model.
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';
import type { ScoreRow } from './scores.js';

export async function listScoreRows(db: Queryable, benchRunId: string): Promise<ScoreRow[]> {
  const { rows } = await db.query(
    `SELECT item_id, sample, topic, kind, verdict, input_tokens, output_tokens, cost_usd,
            CASE WHEN verdict = 'estimated' THEN grader_output END AS grader_output
       FROM bench_items WHERE bench_run_id = $1`,
    [benchRunId],
  );
  return rows.map((r) => ({
    itemId: r.item_id,
    sample: r.sample,
    topic: r.topic,
    kind: r.kind,
    verdict: r.verdict,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costUsd: numberOrNull(r.cost_usd),
    graderOutput: r.grader_output,
  }));
}

export interface ModelTopicRow {
  benchRunId: string;
  provider: string;
  model: string;
  finishedAt: Date;
  topic: string;
  correct: number;
  graded: number;
}

/**
 * Per topic, the correct and graded answers of the latest succeeded run of each model on a dataset, for the `limit`
 * models whose latest run finished last. The offline baseline is no model and is left out; so are `error` rows
 * (the provider failed) and `estimated` ones (no judgement), as in a run's accuracy.
 */
export async function latestModelTopicRates(db: Queryable, dataset: string, limit: number): Promise<ModelTopicRow[]> {
  const { rows } = await db.query(
    `WITH latest AS (
       SELECT DISTINCT ON (b.provider, b.model) b.id, b.provider, b.model, r.finished_at
       FROM bench_runs b JOIN runs r ON r.id = b.run_id
       WHERE b.dataset = $1 AND r.status = 'succeeded' AND b.provider <> 'offline'
       ORDER BY b.provider, b.model, r.finished_at DESC, b.id DESC
     ), recent AS (SELECT * FROM latest ORDER BY finished_at DESC, id DESC LIMIT $2)
     SELECT recent.id::text AS bench_run_id, recent.provider, recent.model, recent.finished_at, i.topic,
       count(*) FILTER (WHERE i.verdict = 'correct')::int AS correct,
       count(*) FILTER (WHERE i.verdict NOT IN ('error', 'estimated'))::int AS graded
     FROM recent JOIN bench_items i ON i.bench_run_id = recent.id
     GROUP BY recent.id, recent.provider, recent.model, recent.finished_at, i.topic
     ORDER BY recent.finished_at DESC, recent.id DESC, i.topic`,
    [dataset, limit],
  );
  return rows.map((r) => ({ benchRunId: r.bench_run_id, provider: r.provider, model: r.model, finishedAt: r.finished_at, topic: r.topic, correct: r.correct, graded: r.graded }));
}
