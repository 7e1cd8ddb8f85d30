/**
 * Who may use benchmarks: admins, and users the operator granted access on /admin/bench-access. Everyone else gets
 * a 404 from every benchmark page and API, so the feature is not advertised. `canBenchmark` is the one check; other
 * entry points (API tokens, the CLI) call it rather than repeating the rule.
 *
 * Who sees which runs: a user sees the runs they started; an admin sees everyone's. Datasets are shared: every user
 * with access sees and can run every imported dataset.
 */
import type { CurrentUser } from '../auth/current-user.js';
import type { Queryable } from '../db/pool.js';
import { grantBenchAccess, hasBenchAccess, revokeBenchAccess } from './access-queries.js';

export async function canBenchmark(db: Queryable, user: CurrentUser | null): Promise<boolean> {
  if (!user) return false;
  return user.isAdmin || hasBenchAccess(db, user.id);
}

/** The operator's grant; false when the user id is unknown (never signed in). */
export async function grantBenchmarkAccess(db: Queryable, admin: CurrentUser, userId: string): Promise<boolean> {
  return grantBenchAccess(db, userId, admin.id);
}

export async function revokeBenchmarkAccess(db: Queryable, userId: string): Promise<boolean> {
  return revokeBenchAccess(db, userId);
}
