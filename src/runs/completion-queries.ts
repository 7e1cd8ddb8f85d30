/**
 * Completing runs: the worker's batched, fenced "done" (see the top of lease-queries.ts for the fence and the shape
 * of batched statements). Kept apart from the other state changes because a completion decides the run's outcome:
 * succeeded, or inconclusive when there is no gradable result.
 */
import type { Queryable } from '../db/pool.js';
import { attemptsById, BATCH_FENCE, idList } from './lease-queries.js';

/** The answer of both completion statements: the ids of the batch that matched no row (lost leases), usually none. */
const LOST = 'SELECT ARRAY(SELECT unnest($2::bigint[]) EXCEPT SELECT id FROM done)::text[] AS lost';

export interface Completion {
  id: string;
  attempt: number;
  result: unknown;
  /** The handler declared it records items: zero items then means inconclusive. */
  expectsItems: boolean;
  /** Set when the handler returned { inconclusive: true, reason }. */
  inconclusiveReason: string | null;
  /**
   * The caller knows the run has no items: it is the run's first attempt and recorded none (items are written only
   * under the attempt's own fence, so no other attempt can have left any). The statement then skips counting them.
   */
  noItems?: boolean;
}

/** A run with nothing to say but "done": no result, no reason, no items possible and none expected. */
const isPlain = (d: Completion) => d.noItems === true && !d.expectsItems && d.inconclusiveReason === null && (d.result ?? null) === null;

/**
 * Finishes many runs in one statement (the worker batches completions that arrive together). A run ends
 * `inconclusive` rather than `succeeded` when the handler said so, when it recorded items but none is gradable
 * (pass/fail), or when it expects items and recorded none. Returns the ids that were no longer ours (lost leases),
 * so the usual answer is one row holding an empty array rather than a row per run for the worker to parse: on a
 * burn-down that was 20,000 rows per 20,000 runs.
 *
 * Each row reads its fence from a jsonb object of attempts keyed by id ($3; see the top of lease-queries.ts) and its
 * outcome from a second one ($4) that holds only the runs with something to say. Most completions are plain (no
 * result, first attempt, no items): they are absent from $4, succeed without a lookup, and their items are not
 * counted; the others count theirs with a correlated subquery that CASE evaluates only for them. A handler result
 * of null is stored as SQL NULL, like no result at all.
 */
export async function completeRuns(db: Queryable, workerId: string, done: Completion[]): Promise<string[]> {
  if (done.length === 0) return [];
  const details: Record<string, { result?: unknown; expectsItems: boolean; reason: string | null; noItems: boolean }> = {};
  let plain = true;
  for (const d of done) {
    if (isPlain(d)) continue;
    plain = false;
    details[d.id] = { result: d.result ?? undefined, expectsItems: d.expectsItems, reason: d.inconclusiveReason, noItems: d.noItems === true };
  }
  if (plain) return completePlainRuns(db, workerId, done);
  const { rows } = await db.query({
    name: 'runs_complete',
    text: `WITH done AS (
       UPDATE runs r SET (status, result, error_code, error_message) = (
         SELECT CASE WHEN o.why IS NULL THEN 'succeeded' ELSE 'inconclusive' END, o.result,
           CASE WHEN o.why IS NULL THEN NULL ELSE 'inconclusive' END, o.why
         FROM (
           SELECT d -> 'result' AS result, CASE
               WHEN d IS NULL THEN NULL
               WHEN d ->> 'reason' IS NOT NULL THEN d ->> 'reason'
               WHEN (d -> 'noItems')::boolean THEN
                 CASE WHEN (d -> 'expectsItems')::boolean THEN 'No gradable result: the run recorded no items.' END
               ELSE (
                 SELECT CASE
                     WHEN count(*) > 0 AND count(*) FILTER (WHERE status IN ('pass', 'fail')) = 0
                       THEN 'No gradable result: ' || count(*) || ' item(s), none passed or failed.'
                     WHEN (d -> 'expectsItems')::boolean AND count(*) = 0 THEN 'No gradable result: the run recorded no items.'
                   END
                 FROM run_items WHERE run_id = r.id)
             END AS why
           FROM (SELECT $4::jsonb -> r.id::text AS d) input
         ) o
       ), finished_at = now(), lease_expires_at = NULL
       WHERE ${BATCH_FENCE}
       RETURNING r.id, r.status, r.attempts, r.error_message
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message)
       SELECT id, status, attempts, CASE WHEN status = 'succeeded' THEN 'Succeeded' ELSE error_message END FROM done
     )
     ${LOST}`,
    values: [workerId, idList(done), attemptsById(done), JSON.stringify(details)],
  });
  return rows[0].lost;
}

/**
 * completeRuns for a batch in which every run is plain (see isPlain): they all succeed, with nothing to look up.
 * The general statement gives each row a correlated subquery that reads its outcome; for a batch of plain runs
 * that was ~10 % of the completion's Postgres CPU in an A/B of the two statements (sequential burn-downs, median
 * of 6). Same fence, same event, same answer.
 */
async function completePlainRuns(db: Queryable, workerId: string, done: Completion[]): Promise<string[]> {
  const { rows } = await db.query({
    name: 'runs_complete_plain',
    text: `WITH done AS (
       UPDATE runs r SET status = 'succeeded', finished_at = now(), lease_expires_at = NULL
       WHERE ${BATCH_FENCE}
       RETURNING r.id, r.attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message) SELECT id, 'succeeded', attempts, 'Succeeded' FROM done
     )
     ${LOST}`,
    values: [workerId, idList(done), attemptsById(done)],
  });
  return rows[0].lost;
}
