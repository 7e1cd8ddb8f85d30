/** What the machine sweeper needs to know about the runs named on live machines. */
import type { Queryable } from '../db/pool.js';

export interface RunLease {
  id: string;
  status: string;
  attempt: number;
  /** Whether the run is running under a lease that has not expired. */
  leaseLive: boolean;
}

/**
 * The status, attempt and lease liveness of each run (missing ids are unknown runs). The lease is judged by the
 * database's clock, the same one the queue's own sweeper uses, so a dispatcher's clock skew cannot keep a machine.
 */
export async function runLeases(db: Queryable, ids: string[]): Promise<Map<string, RunLease>> {
  const { rows } = await db.query({
    name: 'dispatch_run_leases',
    text: `SELECT id::text AS id, status, attempts, (status = 'running' AND lease_expires_at > now()) AS lease_live
       FROM runs WHERE id = ANY($1::bigint[])`,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, { id: r.id, status: r.status, attempt: r.attempts, leaseLive: r.lease_live }]));
}
