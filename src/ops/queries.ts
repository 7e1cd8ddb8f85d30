/** Read-only queries behind the health checks. */
import type { Queryable } from '../db/pool.js';

export async function appliedMigrationNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
  return rows.map((r) => r.name);
}
