/**
 * Mirrors the bank into Postgres at boot (web and worker both do it; it is idempotent): upsert each problem by
 * slug, add its content version keyed by hash, and mark folders that disappeared as inactive. The worker grades
 * from problem_versions, so an attempt is judged against the tests of the version it was made against.
 */
import type pg from 'pg';
import { advisoryXactLock, BANK_SYNC_LOCK_KEY } from '../db/locks.js';
import { withTransaction } from '../db/pool.js';
import type { Bank } from './bank.js';
import { deactivateMissingProblems, insertProblemVersion, upsertProblem } from './queries.js';

export interface SyncResult {
  problems: number;
  newVersions: number;
  deactivated: number;
}

export async function syncBank(pool: pg.Pool, bank: Bank): Promise<SyncResult> {
  return withTransaction(pool, async (client) => {
    await advisoryXactLock(client, BANK_SYNC_LOCK_KEY);
    let newVersions = 0;
    for (const p of bank.problems) {
      const { hash, statementBody: _derived, ...content } = p;
      // The version row references the problem row, so the problem is written first.
      await upsertProblem(client, p);
      if (await insertProblemVersion(client, hash, p.slug, content)) newVersions++;
    }
    const deactivated = await deactivateMissingProblems(
      client,
      bank.problems.map((p) => p.slug),
    );
    return { problems: bank.problems.length, newVersions, deactivated };
  });
}
