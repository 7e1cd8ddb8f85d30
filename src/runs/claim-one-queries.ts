/**
 * Claiming one named run, for a process that executes exactly that run (the CLI's in-process execution when no
 * worker is alive) rather than whatever is next in the queue.
 */
import type { Queryable } from '../db/pool.js';
import { CLAIM_NEXT, claimedRun, type ClaimedRun } from './lease-queries.js';

/**
 * The same state change as claimRuns (CLAIM_NEXT: lease_owner, lease, attempts + 1, the `started` event), for one
 * id. Only a run that is queued and due is taken: FOR UPDATE SKIP LOCKED makes a worker claiming it at the same
 * moment win or lose cleanly, and a run in its retry backoff is left to wait. Committed synchronously (an ordinary
 * session, not the worker's claim session).
 */
export async function claimRunById(db: Queryable, opts: { workerId: string; id: string; kinds: string[]; leaseMs: number }): Promise<ClaimedRun | null> {
  const { rows } = await db.query(
    `WITH next AS (
       SELECT id FROM runs
       WHERE id = $2 AND status = 'queued' AND run_at <= now() AND kind = ANY($3::text[])
       FOR UPDATE SKIP LOCKED
     ),
     ${CLAIM_NEXT}`,
    [opts.workerId, opts.id, opts.kinds, opts.leaseMs, JSON.stringify({ worker: opts.workerId })],
  );
  return rows[0] ? claimedRun(rows[0]) : null;
}
