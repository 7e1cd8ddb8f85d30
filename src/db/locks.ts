/**
 * Every advisory-lock key Bench takes, in one place so no two uses can pick the same number by accident. The
 * values are arbitrary but fixed: a running older process and a newer one must agree on them.
 */
import type { Queryable } from './pool.js';

/** Session lock held while migrations run, so concurrent boots apply them one at a time. */
export const MIGRATION_LOCK_KEY = 4_242_001;
/**
 * First key of the two-int lock each worker holds for as long as its LISTEN connection lives (the second key is
 * the worker's liveness_key). Two-int locks are a separate key space from the one-bigint locks above and below.
 */
export const LIVENESS_LOCK_CLASS = 4_242_002;
/** Transaction lock: web and worker booting together sync the problem bank one at a time instead of racing. */
export const BANK_SYNC_LOCK_KEY = 4_242_006;

/** Waits for a one-bigint lock that the transaction holds until it ends. */
export async function advisoryXactLock(db: Queryable, key: number): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [key]);
}
