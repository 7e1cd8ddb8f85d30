import type { Queryable } from '../db/pool.js';

/** Records a sign-in: creates the user on first sight, refreshes e-mail and name from the identity provider. */
export async function upsertUser(db: Queryable, user: { id: string; email: string | null; displayName: string | null }): Promise<void> {
  await db.query(
    `INSERT INTO users (id, email, display_name, last_seen_at) VALUES ($1, $2, $3, now())
     ON CONFLICT (id) DO UPDATE SET email = COALESCE(EXCLUDED.email, users.email),
       display_name = COALESCE(EXCLUDED.display_name, users.display_name), last_seen_at = now()`,
    [user.id, user.email, user.displayName],
  );
}

/** Keeps the first value written under a name: a second process booting at the same time leaves it alone. */
export async function insertSecretIfAbsent(db: Queryable, name: string, valueJson: string): Promise<void> {
  await db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, valueJson]);
}

export async function getSecret<T>(db: Queryable, name: string): Promise<T | undefined> {
  const { rows } = await db.query<{ value: T }>('SELECT value FROM app_secrets WHERE name = $1', [name]);
  return rows[0]?.value;
}
