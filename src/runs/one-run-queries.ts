/**
 * How `run-one` (worker/run-one.ts) takes up a run it did not claim itself, one fenced statement with its event
 * (a queued run it claims with claimRunById, claim-one-queries.ts, the queue's own claim for one id):
 * - adoptRun: a run a dispatcher has already claimed for a remote machine. The machine works under that claim's
 *   fence (run id, attempt, lease owner), so every later write is fenced exactly as the dispatcher's would be, and
 *   a sweep or a second claim of the run shuts the machine out at its next write. Adopting extends the lease.
 */
import type { Queryable } from '../db/pool.js';
import type { ClaimedRun, Fence } from './lease-queries.js';

const RETURNING = `RETURNING r.id::text AS id, r.kind, r.owner_id, r.payload, r.attempts, r.max_attempts`;

function toClaimed(r: Record<string, any>): ClaimedRun {
  return { id: r.id, kind: r.kind, ownerId: r.owner_id, payload: r.payload, attempt: r.attempts, maxAttempts: r.max_attempts };
}

/** Takes up the dispatcher's claim on the machine (see the top of this file). Null when the fence no longer holds. */
export async function adoptRun(db: Queryable, fence: Fence, opts: { leaseMs: number; machineId: string | null }): Promise<ClaimedRun | null> {
  const { rows } = await db.query({
    name: 'runs_adopt',
    text: `WITH adopted AS (
       UPDATE runs r SET lease_expires_at = now() + $4 * interval '1 millisecond', heartbeat_at = now()
       WHERE r.id = $1 AND r.attempts = $2 AND r.lease_owner = $3 AND r.status = 'running'
       ${RETURNING}
     ),
     ev AS (
       INSERT INTO run_events (run_id, type, attempt, message, data)
       SELECT id::bigint, 'machine', attempts, 'Attempt ' || attempts || ' running on machine ' || coalesce($5, '(unnamed)'),
         jsonb_build_object('machine_id', $5::text, 'state', 'running') FROM adopted
     )
     SELECT * FROM adopted`,
    values: [fence.id, fence.attempt, fence.workerId, opts.leaseMs, opts.machineId],
  });
  return rows[0] ? toClaimed(rows[0]) : null;
}

