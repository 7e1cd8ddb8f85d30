/** SQL of benchmark access grants: one row per user who is not an admin and may run benchmarks. */
import type { Queryable } from '../db/pool.js';

export async function hasBenchAccess(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM bench_access WHERE user_id = $1', [userId]);
  return rows.length > 0;
}

/** Idempotent: granting twice keeps the first grant's time and grantor. */
export async function grantBenchAccess(db: Queryable, userId: string, grantedBy: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO bench_access (user_id, granted_by) SELECT id, $2 FROM users WHERE id = $1 ON CONFLICT (user_id) DO NOTHING`,
    [userId, grantedBy],
  );
  return (rowCount ?? 0) > 0;
}

export async function revokeBenchAccess(db: Queryable, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM bench_access WHERE user_id = $1', [userId]);
  return (rowCount ?? 0) > 0;
}

export interface BenchAccessRow {
  id: string;
  email: string | null;
  displayName: string | null;
  grantedAt: Date | null;
}

/** Every known user, with their grant if any; granted first, then by e-mail. */
export async function listBenchAccess(db: Queryable): Promise<BenchAccessRow[]> {
  const { rows } = await db.query(
    `SELECT u.id, u.email, u.display_name, a.granted_at
     FROM users u LEFT JOIN bench_access a ON a.user_id = u.id
     ORDER BY a.granted_at IS NULL, lower(u.email) NULLS LAST, u.id
     LIMIT 1000`,
  );
  return rows.map((r) => ({ id: r.id, email: r.email, displayName: r.display_name, grantedAt: r.granted_at }));
}
