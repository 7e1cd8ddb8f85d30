/**
 * "This user's practice state changed": a NOTIFY on one channel with the user id, sent after every write (by the
 * web process that took the action, and by the worker when it grades), and LISTENed to by every web process so
 * its page cache (page-cache.ts) drops that user's pages. The listener holds one pooled connection for the
 * session; while it is down the cache is off, and it is flushed on reconnect because notifications were missed.
 */
import type pg from 'pg';
import { listen, notify } from '../db/notify.js';
import type { Queryable } from '../db/pool.js';

export const PRACTICE_USER_CHANNEL = 'bench_practice_user';

/** Inside a transaction the notification is delivered on commit, so listeners never see a change before it exists. */
export async function notifyUserChanged(db: Queryable, userId: string): Promise<void> {
  await notify(db, PRACTICE_USER_CHANNEL, userId);
}

export interface UserChangeListener {
  /** True while LISTEN is established: only then can a cache trust that it hears every change. */
  connected(): boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  onChange(userId: string): void;
  /** Called with true once listening (again), false when the connection is lost. */
  onState(connected: boolean): void;
  log?: { warn(obj: unknown, msg: string): void };
  retryMs?: number;
}

export function listenUserChanges(pool: pg.Pool, opts: ListenOptions): UserChangeListener {
  let client: pg.PoolClient | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;

  const lost = (err: unknown) => {
    opts.onState(false);
    if (client) {
      client.removeAllListeners('notification');
      client.release(err instanceof Error ? err : true);
      client = null;
    }
    if (closed) return;
    failures++;
    // Back off so a database that is down is not hammered; cap at 30 s.
    retry = setTimeout(connect, Math.min(30_000, (opts.retryMs ?? 500) * 2 ** Math.min(failures - 1, 6)));
  };

  async function connect(): Promise<void> {
    if (closed) return;
    let c: pg.PoolClient | undefined;
    try {
      c = await pool.connect();
      c.on('notification', (msg) => {
        if (msg.channel === PRACTICE_USER_CHANNEL && msg.payload) opts.onChange(msg.payload);
      });
      c.once('error', (err) => {
        opts.log?.warn({ err }, 'practice listener connection lost');
        lost(err);
      });
      await listen(c, PRACTICE_USER_CHANNEL);
      if (closed) {
        c.release(true);
        return;
      }
      client = c;
      failures = 0;
      opts.onState(true);
    } catch (err) {
      if (c) c.release(true);
      if (!closed) lost(err);
    }
  }

  void connect();
  return {
    connected: () => client !== null,
    async close() {
      closed = true;
      clearTimeout(retry);
      opts.onState(false);
      if (client) {
        const c = client;
        client = null;
        c.removeAllListeners('notification');
        // Destroy rather than return it: a pooled connection must not keep LISTENing for its next user.
        c.release(true);
      }
    },
  };
}
