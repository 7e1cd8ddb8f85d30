/**
 * The Postgres pool and the executor type every query function takes first.
 */
import pg from 'pg';

/** Anything that can run a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

/**
 * Supabase pooler URLs say `sslmode=require`, which libpq (and the Python Bench) reads as "encrypt, don't verify the
 * certificate". node-postgres reads it as verify-full unless asked for libpq semantics, and Supabase's pooler
 * certificate is not from a public CA, so we ask for libpq's meaning to keep the operator's DATABASE_URL working.
 */
export function normaliseDatabaseUrl(url: string): string {
  const u = new URL(url);
  const mode = u.searchParams.get('sslmode');
  if (mode && mode !== 'verify-full' && !u.searchParams.has('uselibpqcompat')) {
    u.searchParams.set('uselibpqcompat', 'true');
  }
  return u.toString();
}

export interface PoolOptions {
  max?: number;
  applicationName?: string;
}

export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: normaliseDatabaseUrl(url),
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'bench',
    // Fail fast when the database is unreachable instead of hanging a request forever.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart, pooler recycle) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

/** Runs fn in a transaction on one client; rolls back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
