/**
 * Postgres notifications: the two statements every channel user needs. Channel names are constants from code
 * (runs/types.ts, practice/user-events.ts), quoted as identifiers anyway.
 */
import pg from 'pg';
import type { Queryable } from './pool.js';

/** Inside a transaction the notification is delivered on commit, so listeners never see a change before it exists. */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/** Starts listening on this session; notifications arrive as the client's 'notification' events. */
export async function listen(db: Queryable, channel: string): Promise<void> {
  await db.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
}
