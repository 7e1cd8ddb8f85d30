/**
 * The worker's own Postgres session: LISTEN for new runs and cancel requests, and hold the liveness advisory lock
 * that tells the sweepers this process is alive. It reconnects with backoff when the connection drops; after a
 * reconnect the caller re-registers the (possibly new) liveness key and claims at once, since notifications sent
 * while disconnected are lost.
 */
import { randomInt } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';
import { listen } from '../src/db/notify.js';
import { normaliseDatabaseUrl } from '../src/db/pool.js';
import { tryLivenessLock } from '../src/runs/worker-queries.js';

export interface ListenerOptions {
  url: string;
  channels: string[];
  log: Logger;
  onNotification(channel: string, payload: string): void;
  /** Called after a reconnect with the liveness key now held. */
  onReconnect(livenessKey: number): void;
}

export interface Listener {
  readonly livenessKey: number;
  close(): Promise<void>;
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  let client: pg.Client | null = null;
  let closing = false;
  let livenessKey = 0;
  let retryMs = 250;

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: normaliseDatabaseUrl(opts.url),
      application_name: 'bench-worker-listen',
      keepAlive: true,
    });
    c.on('notification', (msg) => opts.onNotification(msg.channel, msg.payload ?? ''));
    c.on('error', (err) => {
      opts.log.warn({ err: err.message }, 'listen connection error');
    });
    c.on('end', () => {
      // Only the live session's end matters; a half-made one that failed is retried by whoever made it.
      if (client !== c) return;
      client = null;
      if (!closing) reconnectSoon();
    });
    await c.connect();
    try {
      // After a reconnect, the key this worker already registered (so the sweepers see it alive again at once);
      // at first, or if that key was taken meanwhile, a random one, drawing again on the rare collision.
      for (let i = 0; ; i++) {
        const key = i === 0 && livenessKey !== 0 ? livenessKey : randomInt(1, 2 ** 31 - 1);
        if (await tryLivenessLock(c, key)) {
          livenessKey = key;
          break;
        }
        if (i === 20) throw new Error('could not take a liveness lock');
      }
      for (const ch of opts.channels) await listen(c, ch);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    client = c;
  }

  function reconnectSoon(): void {
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, 5000);
    opts.log.warn({ retryInMs: wait }, 'listen connection lost; reconnecting');
    setTimeout(() => {
      if (closing) return;
      connect().then(
        () => {
          retryMs = 250;
          opts.onReconnect(livenessKey);
        },
        (err) => {
          opts.log.warn({ err: (err as Error).message }, 'listen reconnect failed');
          reconnectSoon();
        },
      );
    }, wait).unref();
  }

  await connect();
  return {
    get livenessKey() {
      return livenessKey;
    },
    async close() {
      closing = true;
      await client?.end().catch(() => {});
    },
  };
}
