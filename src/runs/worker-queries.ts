/**
 * Worker bookkeeping: the worker_heartbeats rows, the liveness lock, and the sweeper that rescues runs from dead
 * or stuck workers.
 */
import { LIVENESS_LOCK_CLASS } from '../db/locks.js';
import type { Queryable } from '../db/pool.js';
import { RUNS_CHANNEL } from './types.js';


export interface WorkerInfo {
  workerId: string;
  host: string;
  pid: number;
  version: string;
  kinds: string[];
  concurrency: number;
  livenessKey: number;
}

/** Takes the liveness lock on the given session; false when another worker happens to hold the same key. */
export async function tryLivenessLock(db: Queryable, key: number): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LIVENESS_LOCK_CLASS, key]);
  return rows[0]!.ok;
}

export async function registerWorker(db: Queryable, w: WorkerInfo): Promise<void> {
  await db.query(
    `INSERT INTO worker_heartbeats (worker_id, host, pid, version, kinds, concurrency, liveness_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (worker_id) DO UPDATE SET liveness_key = EXCLUDED.liveness_key, last_seen_at = now()`,
    [w.workerId, w.host, w.pid, w.version, w.kinds, w.concurrency, w.livenessKey],
  );
}

/** `grader`: the worker's grader pool counts for the ops page, or null for a worker without one. */
export async function touchWorker(db: Queryable, workerId: string, runsInHand: number, stopping: boolean, grader: object | null = null): Promise<void> {
  await db.query(
    'UPDATE worker_heartbeats SET last_seen_at = now(), runs_in_hand = $2, stopping = $3, grader = $4 WHERE worker_id = $1',
    [workerId, runsInHand, stopping, grader],
  );
}

export async function removeWorker(db: Queryable, workerId: string): Promise<void> {
  await db.query('DELETE FROM worker_heartbeats WHERE worker_id = $1', [workerId]);
}

/** Forgets workers not seen for a long while (their runs were swept long ago). */
export async function pruneWorkers(db: Queryable, olderThanS: number): Promise<number> {
  const res = await db.query(
    `DELETE FROM worker_heartbeats WHERE last_seen_at < now() - make_interval(secs => $1)`,
    [olderThanS],
  );
  return res.rowCount ?? 0;
}

export interface SweepResult {
  requeued: number;
  failed: number;
  canceled: number;
}

/**
 * Rescues running runs whose worker is gone, in one statement. A run is lost when its lease expired (a stuck or
 * partitioned worker: the backstop) or when its worker's liveness lock is no longer held (the process died and
 * Postgres closed its session: seconds, not a lease). Lost runs go back to `queued` at once, or end `failed` when
 * they have used all their attempts (a run that kills its worker every time must stop somewhere), or `canceled`
 * when a cancel was requested. SKIP LOCKED lets several workers sweep at once without double-handling a run, and
 * pg_locks is read once per sweep (MATERIALIZED), not once per run. Running runs are found through runs_lease_idx.
 *
 * A missing lock alone is not death: the worker's LISTEN session can drop and reconnect (taking its lock again)
 * while the process and its pool are fine, and its runs must not be swept meanwhile. So a worker also has to have
 * been silent for LIVENESS_GRACE_MS: every worker touches its own row at each sweep (about once a second, through
 * its pool, not the LISTEN session), so a live one never is, and a dead one is swept a few seconds after it died.
 */
export const LIVENESS_GRACE_MS = 5000;

export async function sweepLostRuns(db: Queryable): Promise<SweepResult> {
  const { rows } = await db.query(
    `WITH held AS MATERIALIZED (
       SELECT objid::bigint AS key FROM pg_locks
       WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objsubid = 2
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
     ),
     dead AS MATERIALIZED (
       SELECT worker_id FROM worker_heartbeats w
       WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.key = w.liveness_key)
         AND w.last_seen_at < now() - $2 * interval '1 millisecond'
     ),
     lost AS (
       SELECT r.id, r.lease_expires_at < now() AS expired,
         CASE WHEN r.cancel_requested_at IS NOT NULL THEN 'canceled'
              WHEN r.attempts - r.interruptions >= r.max_attempts THEN 'failed' ELSE 'queued' END AS next
       FROM runs r
       WHERE r.lease_expires_at IS NOT NULL AND r.status = 'running'
         AND (r.lease_expires_at < now() OR r.lease_owner IN (SELECT worker_id FROM dead))
       FOR UPDATE OF r SKIP LOCKED
     ),
     upd AS (
       UPDATE runs r SET status = l.next,
         lease_owner = CASE WHEN l.next = 'queued' THEN NULL ELSE r.lease_owner END,
         lease_expires_at = NULL, run_at = CASE WHEN l.next = 'queued' THEN now() ELSE r.run_at END,
         finished_at = CASE WHEN l.next = 'queued' THEN NULL ELSE now() END,
         error_code = CASE l.next WHEN 'failed' THEN 'worker_lost' WHEN 'canceled' THEN 'canceled' ELSE r.error_code END,
         error_message = CASE l.next
           WHEN 'failed' THEN 'Its worker was lost on each of ' || (r.attempts - r.interruptions) || ' attempts.'
           WHEN 'canceled' THEN 'Canceled; its worker was lost.' ELSE r.error_message END
       FROM lost l WHERE r.id = l.id
       RETURNING r.id, r.status, r.attempts, l.expired
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message)
       SELECT id, CASE WHEN status = 'queued' THEN 'requeued' ELSE status END, attempts,
         CASE WHEN expired THEN 'Lease expired: the worker stopped heartbeating' ELSE 'The worker process ended' END
         || CASE status WHEN 'queued' THEN '; back in the queue' WHEN 'failed' THEN '; no attempts left' ELSE '' END
       FROM upd
     ),
     notified AS (
       SELECT count(*) AS n FROM (SELECT pg_notify('${RUNS_CHANNEL}', '') FROM (SELECT 1 FROM upd WHERE status = 'queued' LIMIT 1) one) x
     )
     SELECT count(*) FILTER (WHERE status = 'queued')::int AS requeued,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE status = 'canceled')::int AS canceled
     FROM upd CROSS JOIN notified`,
    [LIVENESS_LOCK_CLASS, LIVENESS_GRACE_MS],
  );
  return rows[0];
}

/** True when a worker that handles `kind` has heartbeated within `freshSeconds` and is not shutting down. */
export async function anyWorkerAliveFor(db: Queryable, kind: string, freshSeconds: number): Promise<boolean> {
  const { rows } = await db.query<{ alive: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM worker_heartbeats
        WHERE last_seen_at > now() - make_interval(secs => $1) AND NOT stopping AND $2 = ANY (kinds)
     ) AS alive`,
    [freshSeconds, kind],
  );
  return rows[0]?.alive ?? false;
}
