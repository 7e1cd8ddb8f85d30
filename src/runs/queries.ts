/**
 * Reading runs for pages, and cancelling them. Every function takes the executor first (pool or transaction).
 */
import type { Queryable } from '../db/pool.js';
import { CANCEL_CHANNEL, isRunId, RUN_COLUMNS, rowToRun, type ItemStatus, type Run, type RunEvent, type RunItem } from './types.js';
import type { WorkerInfo } from './worker-queries.js';

export async function getRun(db: Queryable, id: string): Promise<Run | null> {
  if (!isRunId(id)) return null;
  const { rows } = await db.query(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`, [id]);
  return rows[0] ? rowToRun(rows[0]) : null;
}

/** Newest first; `ownerId` null lists everyone's (admins). `beforeId` pages backwards. */
export async function listRuns(
  db: Queryable,
  opts: { ownerId: string | null; beforeId?: string; limit?: number },
): Promise<Run[]> {
  // Two statements rather than "($1 IS NULL OR owner_id = $1)", so each gets its index (owner's, or the primary key).
  const { rows } = opts.ownerId
    ? await db.query(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE owner_id = $1 AND ($2::bigint IS NULL OR runs.id < $2)
         ORDER BY runs.id DESC LIMIT $3`,
        [opts.ownerId, opts.beforeId ?? null, opts.limit ?? 50],
      )
    : await db.query(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE ($1::bigint IS NULL OR runs.id < $1) ORDER BY runs.id DESC LIMIT $2`,
        [opts.beforeId ?? null, opts.limit ?? 50],
      );
  return rows.map(rowToRun);
}

export async function getRunEvents(db: Queryable, runId: string): Promise<RunEvent[]> {
  const { rows } = await db.query(
    `SELECT id::text AS id, at, type, attempt, message, data FROM run_events WHERE run_id = $1 ORDER BY run_events.id`,
    [runId],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, type: r.type, attempt: r.attempt, message: r.message, data: r.data }));
}

export async function getRunItems(db: Queryable, runId: string): Promise<RunItem[]> {
  const { rows } = await db.query(
    `SELECT item_key, status, result, attempt, writes, recorded_at FROM run_items WHERE run_id = $1 ORDER BY item_key`,
    [runId],
  );
  return rows.map((r) => ({
    itemKey: r.item_key,
    status: r.status as ItemStatus,
    result: r.result,
    attempt: r.attempt,
    writes: r.writes,
    recordedAt: r.recorded_at,
  }));
}

export type CancelOutcome = 'canceled' | 'cancel_requested' | 'already_finished' | 'not_found';

/**
 * Cancels a run in one statement. A queued run becomes `canceled` at once; a running one gets cancel_requested_at
 * and a NOTIFY that the holding worker turns into its handler's AbortSignal. The row lock taken first makes a
 * concurrent claim and the cancel serialise: whichever wins, the CASE below sees the status it left behind.
 */
export async function cancelRun(db: Queryable, id: string, byUserId: string | null): Promise<CancelOutcome> {
  if (!isRunId(id)) return 'not_found';
  const { rows } = await db.query<{ status: string | null; live: boolean }>(
    `WITH target AS (
       SELECT id, status FROM runs WHERE id = $1 AND status IN ('queued', 'running') FOR UPDATE
     ),
     upd AS (
       UPDATE runs r SET
         status = CASE WHEN t.status = 'queued' THEN 'canceled' ELSE r.status END,
         finished_at = CASE WHEN t.status = 'queued' THEN now() ELSE r.finished_at END,
         error_code = CASE WHEN t.status = 'queued' THEN 'canceled' ELSE r.error_code END,
         error_message = CASE WHEN t.status = 'queued' THEN 'Canceled before it started.' ELSE r.error_message END,
         cancel_requested_at = coalesce(r.cancel_requested_at, now()),
         canceled_by = $2
       FROM target t WHERE r.id = t.id
       RETURNING r.id, r.status, r.attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message, data)
       SELECT id, CASE WHEN status = 'canceled' THEN 'canceled' ELSE 'cancel_requested' END, nullif(attempts, 0),
              CASE WHEN status = 'canceled' THEN 'Canceled before it started' ELSE 'Cancel requested' END,
              jsonb_build_object('by', $2::text)
       FROM upd
     ),
     notified AS (
       SELECT count(*) AS n FROM (SELECT pg_notify('${CANCEL_CHANNEL}', id::text) FROM upd WHERE status = 'running') x
     )
     SELECT (SELECT status FROM upd) AS status, EXISTS (SELECT 1 FROM runs WHERE id = $1) AS live
     FROM notified`,
    [id, byUserId],
  );
  const row = rows[0]!;
  if (row.status === 'canceled') return 'canceled';
  if (row.status === 'running') return 'cancel_requested';
  return row.live ? 'already_finished' : 'not_found';
}

export interface WorkerRow extends Omit<WorkerInfo, 'livenessKey'> {
  startedAt: Date;
  lastSeenAt: Date;
  heartbeatAgeS: number;
  runsInHand: number;
  stopping: boolean;
  held: { id: string; kind: string; attempts: number; leaseExpiresAt: Date | null }[];
  /** The worker's grader pool counts (warm, busy, queued, ...), null if it has none or has not reported yet. */
  grader: Record<string, number | boolean> | null;
}

/** Workers seen within `withinS` seconds, each with the runs it currently holds. */
export async function listWorkers(db: Queryable, withinS: number): Promise<WorkerRow[]> {
  const { rows } = await db.query(
    `SELECT w.*, extract(epoch FROM now() - w.last_seen_at)::float8 AS age,
       coalesce((SELECT json_agg(json_build_object('id', r.id::text, 'kind', r.kind, 'attempts', r.attempts,
                  'leaseExpiresAt', r.lease_expires_at) ORDER BY r.id)
                 FROM runs r WHERE r.lease_expires_at IS NOT NULL AND r.status = 'running' AND r.lease_owner = w.worker_id), '[]') AS held
     FROM worker_heartbeats w
     WHERE w.last_seen_at > now() - make_interval(secs => $1)
     ORDER BY w.started_at`,
    [withinS],
  );
  return rows.map((r) => ({
    workerId: r.worker_id,
    host: r.host,
    pid: r.pid,
    version: r.version,
    kinds: r.kinds,
    concurrency: r.concurrency,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    heartbeatAgeS: r.age,
    runsInHand: r.runs_in_hand,
    stopping: r.stopping,
    grader: r.grader ?? null,
    held: (r.held as { id: string; kind: string; attempts: number; leaseExpiresAt: string | null }[]).map((h) => ({
      ...h,
      leaseExpiresAt: h.leaseExpiresAt ? new Date(h.leaseExpiresAt) : null,
    })),
  }));
}

/** Queue depth by status, every status present (zeros included), plus how many queued runs are due now. */
export async function queueDepth(db: Queryable): Promise<{ byStatus: Record<string, number>; dueNow: number }> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT s.status, coalesce(c.n, 0)::int AS n
     FROM unnest(ARRAY['queued','running','succeeded','failed','canceled','inconclusive']) WITH ORDINALITY AS s(status, ord)
     LEFT JOIN (SELECT status, count(*) AS n FROM runs GROUP BY status) c USING (status)
     ORDER BY s.ord`,
  );
  const due = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM runs WHERE status = 'queued' AND run_at <= now()`);
  return { byStatus: Object.fromEntries(rows.map((r) => [r.status, r.n])), dueNow: due.rows[0]!.n };
}
