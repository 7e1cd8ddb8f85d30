/**
 * The worker's side of a run, one statement per state change (completions: completion-queries.ts). After the
 * claim, every statement is fenced by (id, attempts, lease_owner, status = 'running'): the attempt number is the
 * fencing token, so a worker whose run was swept and claimed again (attempts + 1) matches no row and writes
 * nothing. Functions report "still ours" as a boolean or by which ids came back (or did not); the caller turns a
 * miss into a LeaseLostError.
 *
 * Every statement is named, so each connection parses and plans it once (a third of a small claim's time went to
 * planning). That needs a session, not a transaction pooler, which the worker needs anyway for LISTEN.
 * Batched statements (heartbeat, completion, requeue) find their runs with one primary-key scan over
 * `id = ANY($ids)` and read each run's attempt (the fence) from a jsonb object keyed by id, instead of joining the
 * runs to an unnest() of the input. Joined, the plan depended on statistics: once autovacuum had analyzed a table
 * of queued runs, the planner expected ~1 running row and ran a nested loop comparing every run with every input
 * row; a cached generic plan did the same (figures: docs/performance.md, "The completion statement was the
 * bottleneck"). With no join there is no join order to get wrong, so a generic plan is safe and the statements
 * can be prepared.
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';
import { RUNS_CHANNEL, type ItemStatus } from './types.js';

/** {"<id>": attempt}: batched statements read each run's fence from this (see the top of this file). */
export function attemptsById(held: { id: string; attempt: number }[]): string {
  // Written out directly: ids are the digits of a bigint and attempts are integers, so nothing needs escaping, and
  // this runs for every batch on the queue's hot path.
  let json = '{';
  for (let i = 0; i < held.length; i++) json += `${i ? ',' : ''}"${held[i]!.id}":${held[i]!.attempt | 0}`;
  return `${json}}`;
}

/**
 * The fence of every batched statement, over runs `r`: $1 the worker, $2 the ids (idList), $3 the attempts
 * (attemptsById). One definition, so heartbeat, requeue and completion cannot drift apart on what "still ours" means.
 */
export const BATCH_FENCE = `r.id = ANY($2::bigint[]) AND r.attempts = ($3::jsonb ->> r.id::text)::int AND r.lease_owner = $1
       AND r.status = 'running'`;

/** A bigint[] literal of the runs' ids, written directly for the same reason (pg would quote each element). */
export function idList(held: { id: string }[]): string {
  let list = '{';
  for (let i = 0; i < held.length; i++) list += `${i ? ',' : ''}${held[i]!.id}`;
  return `${list}}`;
}

/** Who may write a run: the claim's attempt number and the claiming worker. */
export interface Fence {
  id: string;
  attempt: number;
  workerId: string;
}

export interface ClaimedRun {
  id: string;
  kind: string;
  ownerId: string | null;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
}

/**
 * Tunes a session that only ever claims (worker/claimer.ts gives claims a session of their own): its planner can
 * only walk the claim index in order, because right after a bulk enqueue the table has no statistics yet and the
 * planner guesses "a row or two", then scans and sorts the whole backlog on every claim instead of reading the
 * first LIMIT entries. It also commits asynchronously: a claim lost in a crash is harmless (see claimRuns). SET once
 * per connection rather than passed as the "options" startup parameter, which session poolers may refuse.
 */
export async function tuneClaimSession(db: Queryable): Promise<void> {
  await db.query('SET enable_bitmapscan = off; SET enable_sort = off; SET synchronous_commit = off');
}

/**
 * The claim's state change for the rows a preceding `next` CTE selected (and locked): $1 the worker, $4 the lease in
 * ms, $5 the started event's data. One definition for claimRuns and claimRunById (claim-one-queries.ts).
 */
export const CLAIM_NEXT = `claimed AS (
       UPDATE runs r SET status = 'running', attempts = r.attempts + 1, lease_owner = $1,
         lease_expires_at = now() + $4 * interval '1 millisecond', heartbeat_at = now(),
         started_at = coalesce(r.started_at, now()), finished_at = NULL
       FROM next WHERE r.id = next.id
       RETURNING r.id, r.kind, r.owner_id, r.payload, r.attempts, r.max_attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message, data)
       SELECT id, 'started', attempts, 'Attempt ' || attempts || ' started', $5::jsonb FROM claimed
     )
     SELECT id::text AS id, kind, owner_id, payload, attempts, max_attempts FROM claimed`;

export const claimedRun = (r: Record<string, any>): ClaimedRun => ({
  id: r.id,
  kind: r.kind,
  ownerId: r.owner_id,
  payload: r.payload,
  attempt: r.attempts,
  maxAttempts: r.max_attempts,
});

/**
 * Claims up to `limit` due runs of the given kinds. SKIP LOCKED lets concurrent claimers take disjoint rows without
 * waiting on each other; the CTE feeds the UPDATE so selection and lease are one atomic statement. The partial
 * index runs_claim_idx is already in (priority, run_at, id) order, so the LIMIT reads only its first entries.
 *
 * The worker's claim session commits asynchronously (synchronous_commit off for that session, set in
 * worker/runtime.ts), saving a WAL flush on the path from enqueue to handler start. That is safe: if Postgres
 * crashed before the flush, the claim is lost and the run is simply queued again; and any durable write the handler
 * makes afterwards (progress, item, completion) flushes the WAL up to and including the claim, so nothing durable
 * can ever rest on a lost claim. (A session setting, not set_config() in the statement, which ran once per row.)
 */
export async function claimRuns(
  db: Queryable,
  opts: { workerId: string; kinds: string[]; limit: number; leaseMs: number },
): Promise<ClaimedRun[]> {
  const { rows } = await db.query({
    name: 'runs_claim',
    text: `WITH next AS (
       SELECT id FROM runs
       WHERE status = 'queued' AND run_at <= now() AND kind = ANY($2::text[])
       ORDER BY priority, run_at, id
       LIMIT $3
       FOR UPDATE SKIP LOCKED
     ),
     ${CLAIM_NEXT}`,
    // The event's data is the same for every run of the claim: built once here, not by jsonb_build_object() per row
    // (that was ~10 % of the claim's Postgres CPU in an A/B of the two statements).
    values: [opts.workerId, opts.kinds, opts.limit, opts.leaseMs, JSON.stringify({ worker: opts.workerId })],
  });
  return rows.map(claimedRun);
}

/**
 * Extends the leases of every run the worker holds, in one statement. Runs missing from the answer are lost.
 * Committed asynchronously like the claim: a heartbeat lost to a database crash only shortens a lease.
 */
export async function heartbeatRuns(
  db: Queryable,
  workerId: string,
  held: { id: string; attempt: number }[],
  leaseMs: number,
): Promise<{ id: string; cancelRequested: boolean }[]> {
  if (held.length === 0) return [];
  const { rows } = await db.query({
    name: 'runs_heartbeat',
    text: `UPDATE runs r SET lease_expires_at = now() + $4 * interval '1 millisecond', heartbeat_at = now()
     WHERE ${BATCH_FENCE}
     RETURNING r.id::text AS id, r.cancel_requested_at IS NOT NULL AS cancel_requested,
       set_config('synchronous_commit', 'off', true) AS async_commit`,
    values: [workerId, idList(held), attemptsById(held), leaseMs],
  });
  return rows.map((r) => ({ id: r.id, cancelRequested: r.cancel_requested }));
}

export interface FailInput {
  fence: Fence;
  retryable: boolean;
  code: string;
  message: string;
  /** A floor for the delay, e.g. from a Retry-After header. */
  retryAfterMs: number | null;
  backoff: { baseMs: number; maxMs: number };
}

/**
 * Ends an attempt that threw. Retryable errors with attempts left go back to `queued` at
 * now() + min(max, base * 2^(attempt-1)) * (0.5 + random()/2): exponential, capped, with "equal jitter" so the
 * delay never shrinks from one attempt to the next while retries from a burst still spread out. The decision and
 * the delay are computed in SQL from the row as locked, so they cannot disagree with a concurrent cancel.
 */
export async function failRun(db: Queryable, f: FailInput): Promise<{ status: string; delayMs: number | null } | null> {
  const { rows } = await db.query({
    name: 'runs_fail',
    text: `WITH cur AS (
       SELECT id, attempts, interruptions,
         CASE WHEN cancel_requested_at IS NOT NULL THEN 'canceled'
              WHEN $4 AND attempts - interruptions < max_attempts THEN 'queued'
              ELSE 'failed' END AS next,
         greatest(coalesce($7::float8, 0),
                  least($9::float8, $8::float8 * power(2, attempts - 1)) * (0.5 + random() / 2)) AS delay_ms
       FROM runs WHERE id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running'
       FOR UPDATE
     ),
     upd AS (
       UPDATE runs r SET status = c.next,
         run_at = CASE WHEN c.next = 'queued' THEN now() + c.delay_ms * interval '1 millisecond' ELSE r.run_at END,
         lease_owner = CASE WHEN c.next = 'queued' THEN NULL ELSE r.lease_owner END,
         lease_expires_at = NULL,
         finished_at = CASE WHEN c.next = 'queued' THEN NULL ELSE now() END,
         error_code = CASE WHEN c.next = 'failed' AND $4 THEN 'attempts_exhausted'
                           WHEN c.next = 'canceled' THEN 'canceled' ELSE $5 END,
         error_message = CASE WHEN c.next = 'failed' AND $4
                              THEN 'Gave up after ' || (c.attempts - c.interruptions) || ' attempts. Last error: ' || $6
                              WHEN c.next = 'canceled' THEN 'Canceled while running.' ELSE $6 END
       FROM cur c WHERE r.id = c.id
       RETURNING r.id, r.status, r.attempts, r.error_message, c.delay_ms
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message, data)
       SELECT id, CASE WHEN status = 'queued' THEN 'retry' ELSE status END, attempts,
         CASE WHEN status = 'queued'
              THEN 'Attempt ' || attempts || ' failed: ' || $6 || '. Retrying in ' || round((delay_ms / 1000)::numeric, 1) || ' s'
              ELSE error_message END,
         jsonb_build_object('code', $5::text, 'delay_ms', CASE WHEN status = 'queued' THEN round(delay_ms) END)
       FROM upd
     )
     SELECT status, CASE WHEN status = 'queued' THEN delay_ms END AS delay_ms FROM upd`,
    values: [
      f.fence.id,
      f.fence.attempt,
      f.fence.workerId,
      f.retryable,
      f.code,
      f.message,
      f.retryAfterMs,
      f.backoff.baseMs,
      f.backoff.maxMs,
    ],
  });
  return rows[0] ? { status: rows[0].status, delayMs: numberOrNull(rows[0].delay_ms) } : null;
}

/** The handler stopped after a cancel request: the run ends `canceled`; its recorded items stay. */
export async function finishCanceled(db: Queryable, fence: Fence, result: unknown): Promise<boolean> {
  const { rows } = await db.query({
    name: 'runs_finish_canceled',
    text: `WITH upd AS (
       UPDATE runs SET status = 'canceled', finished_at = now(), lease_expires_at = NULL, error_code = 'canceled',
         error_message = 'Canceled while running.', result = coalesce($4::jsonb, result)
       WHERE id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running'
       RETURNING id, attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message)
       SELECT id, 'canceled', attempts, 'Canceled: the handler stopped on its signal' FROM upd
     )
     SELECT count(*)::int AS n FROM upd`,
    values: [fence.id, fence.attempt, fence.workerId, result === undefined ? null : JSON.stringify(result)],
  });
  return rows[0].n === 1;
}

/**
 * Puts runs straight back in the queue (graceful shutdown) without waiting for their leases to run out, and wakes
 * the other workers. A run whose cancel was requested meanwhile ends `canceled` instead. The interrupted attempt
 * does not count against the run's max_attempts (interruptions, migration 0009).
 */
export async function requeueRuns(
  db: Queryable,
  workerId: string,
  held: { id: string; attempt: number }[],
  reason: string,
): Promise<number> {
  if (held.length === 0) return 0;
  const { rows } = await db.query({
    name: 'runs_requeue',
    text: `WITH upd AS (
       UPDATE runs r SET
         status = CASE WHEN r.cancel_requested_at IS NOT NULL THEN 'canceled' ELSE 'queued' END,
         lease_owner = CASE WHEN r.cancel_requested_at IS NOT NULL THEN r.lease_owner END,
         lease_expires_at = NULL, run_at = now(),
         finished_at = CASE WHEN r.cancel_requested_at IS NOT NULL THEN now() END,
         interruptions = r.interruptions + CASE WHEN r.cancel_requested_at IS NOT NULL THEN 0 ELSE 1 END
       WHERE ${BATCH_FENCE}
       RETURNING r.id, r.status, r.attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message)
       SELECT id, CASE WHEN status = 'queued' THEN 'requeued' ELSE 'canceled' END, attempts, $4 FROM upd
     ),
     notified AS (
       SELECT count(*) AS n FROM (SELECT pg_notify('${RUNS_CHANNEL}', '') FROM (SELECT 1 FROM upd WHERE status = 'queued' LIMIT 1) one) x
     )
     SELECT count(*)::int AS n FROM upd CROSS JOIN notified`,
    values: [workerId, idList(held), attemptsById(held), reason],
  });
  return rows[0].n;
}

export async function setProgress(
  db: Queryable,
  fence: Fence,
  p: { done: number; total: number | null; message: string | null },
): Promise<boolean> {
  const res = await db.query({
    name: 'runs_progress',
    text: `UPDATE runs SET progress_done = $4, progress_total = $5, progress_message = $6
     WHERE id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running'`,
    values: [fence.id, fence.attempt, fence.workerId, p.done, p.total, p.message],
  });
  return res.rowCount === 1;
}

/**
 * Upserts one item result. FOR SHARE on the run row makes the fence check and the write atomic with respect to a
 * sweep: a sweep that wants to requeue the run waits for this statement, and this statement, if it comes second,
 * re-reads the swept row, fails the fence and inserts nothing.
 */
export async function recordItem(
  db: Queryable,
  fence: Fence,
  item: { key: string; status: ItemStatus; result: unknown },
): Promise<boolean> {
  const res = await db.query({
    name: 'runs_record_item',
    text: `WITH fence AS (
       SELECT id FROM runs WHERE id = $1 AND attempts = $2 AND lease_owner = $3 AND status = 'running' FOR SHARE
     )
     INSERT INTO run_items (run_id, item_key, status, result, attempt)
     SELECT id, $4, $5, $6, $2 FROM fence
     ON CONFLICT (run_id, item_key) DO UPDATE SET status = EXCLUDED.status, result = EXCLUDED.result,
       attempt = EXCLUDED.attempt, writes = run_items.writes + 1, recorded_at = now()`,
    values: [fence.id, fence.attempt, fence.workerId, item.key, item.status, item.result === undefined ? null : JSON.stringify(item.result)],
  });
  return res.rowCount === 1;
}

export async function itemKeysDone(db: Queryable, runId: string): Promise<Set<string>> {
  const { rows } = await db.query<{ item_key: string }>('SELECT item_key FROM run_items WHERE run_id = $1', [runId]);
  return new Set(rows.map((r) => r.item_key));
}
