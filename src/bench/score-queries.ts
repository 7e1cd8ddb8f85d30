/**
 * What scoring a run reads: only the columns scoreRun uses, not every prompt and response. A run's end scores all
 * its rows; a 10,000-item run would otherwise pull megabytes of text it never looks at.
 */
import type { Queryable } from '../db/pool.js';
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
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    graderOutput: r.grader_output,
  }));
}
