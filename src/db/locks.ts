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

/** Two-int session locks, one per live remote machine slot (src/dispatch/slots.ts); the second key is the slot. */
export const MACHINE_SLOT_LOCK_CLASS = 4_242_019;

/** Tries a two-int session lock without waiting: true when this session now holds it. */
export async function tryAdvisoryLock2(db: Queryable, cls: number, key: number): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [cls, key]);
  return rows[0]!.ok;
}

export async function advisoryUnlock2(db: Queryable, cls: number, key: number): Promise<void> {
  await db.query('SELECT pg_advisory_unlock($1, $2)', [cls, key]);
}

/** Waits for a one-bigint lock that the transaction holds until it ends. */
export async function advisoryXactLock(db: Queryable, key: number): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [key]);
}
