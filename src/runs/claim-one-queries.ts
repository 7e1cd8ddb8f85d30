/**
 * Claiming one named run, for a process that executes exactly that run (the CLI's in-process execution when no
 * worker is alive) rather than whatever is next in the queue.
 */
import type { Queryable } from '../db/pool.js';
import type { ClaimedRun } from './lease-queries.js';

/**
 * The same state change as claimRuns (lease_owner, lease, attempts + 1, the `started` event), for one id. Only a run
 * that is queued and due is taken: FOR UPDATE SKIP LOCKED makes a worker claiming it at the same moment win or lose
 * cleanly, and a run in its retry backoff is left to wait. Committed synchronously (an ordinary session).
 */
export async function claimRunById(db: Queryable, opts: { workerId: string; id: string; kinds: string[]; leaseMs: number }): Promise<ClaimedRun | null> {
  const { rows } = await db.query(
    `WITH next AS (
       SELECT id FROM runs
       WHERE id = $2 AND status = 'queued' AND run_at <= now() AND kind = ANY($3::text[])
       FOR UPDATE SKIP LOCKED
     ),
     claimed AS (
       UPDATE runs r SET status = 'running', attempts = r.attempts + 1, lease_owner = $1,
         lease_expires_at = now() + $4 * interval '1 millisecond', heartbeat_at = now(),
         started_at = coalesce(r.started_at, now()), finished_at = NULL
       FROM next WHERE r.id = next.id
       RETURNING r.id, r.kind, r.owner_id, r.payload, r.attempts, r.max_attempts
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message, data)
       SELECT id, 'started', attempts, 'Attempt ' || attempts || ' started', jsonb_build_object('worker', $1::text) FROM claimed
     )
     SELECT id::text AS id, kind, owner_id, payload, attempts, max_attempts FROM claimed`,
    [opts.workerId, opts.id, opts.kinds, opts.leaseMs],
  );
  const r = rows[0];
  return r ? { id: r.id, kind: r.kind, ownerId: r.owner_id, payload: r.payload, attempt: r.attempts, maxAttempts: r.max_attempts } : null;
}
