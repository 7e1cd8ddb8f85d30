/**
 * A fresh database per test file, cloned from the migrated template: `const db = useTestDatabase()` at the top of a
 * file, then `db.pool` / `db.url` inside tests. Dropped when the file finishes.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPool } from '../../src/db/pool.js';

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  name: string;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a database (empty, or cloned from the migrated template) and returns its URL. */
export async function createDatabase(opts: { empty?: boolean } = {}): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(opts.empty ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
  const u = new URL(inject('pgAdminUrl'));
  u.pathname = `/${name}`;
  return { url: u.toString(), name, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function useTestDatabase(opts: { empty?: boolean; poolSize?: number } = {}): TestDatabase {
  const handle = {} as TestDatabase & { drop?: () => Promise<void> };
  beforeAll(async () => {
    const db = await createDatabase(opts);
    handle.url = db.url;
    handle.name = db.name;
    handle.drop = db.drop;
    handle.pool = createPool(db.url, { max: opts.poolSize ?? 5 });
  });
  afterAll(async () => {
    await handle.pool?.end();
    await handle.drop?.();
  });
  return handle;
}
