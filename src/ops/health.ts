/**
 * Readiness, as Fly's checks ask for it: can this process reach its database, and is the schema the one this build
 * expects? Used by the web's /__health/deep and by the worker's internal health endpoint. The answer is computed
 * on each request, so a machine turns healthy again by itself when the database comes back: no restart needed.
 */
import type { Queryable } from '../db/pool.js';
import { readMigrations } from '../db/migrate.js';
import { appliedMigrationNames } from './queries.js';

export interface DatabaseHealth {
  ok: boolean;
  /** Why not, in words an operator can act on. */
  problem?: string;
  pendingMigrations?: string[];
}

/** Longer than a healthy round trip by far, shorter than Fly's check timeout so we answer 503 rather than nothing. */
export const DATABASE_CHECK_TIMEOUT_MS = 2_000;

export function createDatabaseCheck(db: Queryable, opts: { timeoutMs?: number; migrations?: string[] } = {}): () => Promise<DatabaseHealth> {
  // The files this build shipped with, read once: they cannot change under a running process.
  const expected = opts.migrations ?? readMigrations().map((m) => m.name);
  const timeoutMs = opts.timeoutMs ?? DATABASE_CHECK_TIMEOUT_MS;
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const applied = new Set(await Promise.race([appliedMigrationNames(db), timeout]));
      const pending = expected.filter((name) => !applied.has(name));
      if (pending.length > 0) return { ok: false, problem: `${pending.length} migration(s) not applied`, pendingMigrations: pending };
      return { ok: true };
    } catch (err) {
      return { ok: false, problem: `database unreachable: ${(err as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  };
}
