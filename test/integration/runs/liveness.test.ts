/**
 * The liveness lock is the sweepers' fast sign that a worker died; it also lapses while a live worker's LISTEN
 * session reconnects. A run in hand then must not be swept and run twice: its worker keeps touching its row through
 * its pool, takes the same lock again, and finishes the run on its first attempt.
 */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun, getRunEvents } from '../../../src/runs/queries.js';
import { useWorkers, waitFor } from './helpers.js';

const { db, start } = useWorkers();

describe('a worker whose LISTEN session drops', () => {
  it('keeps its run: nobody sweeps it, and it finishes on the first attempt', async () => {
    // A 30 s lease keeps the lease path out of it; a second worker is there to sweep and to take the run if it could.
    // One pooled connection per worker, opened at start-up: the window below refuses new connections, and a pool
    // that opened a second one for two queries at once (progress and a heartbeat) would fail the run's attempt for
    // a reason that has nothing to do with the liveness lock.
    const env = { WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '30000', DATABASE_POOL_SIZE: '1' };
    const both = await Promise.all([start(env), start(env)]);

    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 9000, steps: 9 } });
    const owner = await waitFor(
      async () => (await db.pool.query(`SELECT lease_owner FROM runs WHERE id = $1 AND status = 'running'`, [id])).rows[0]?.lease_owner as string | undefined,
      { what: 'the run to start' },
    );
    // Either worker may have claimed it: the one that did is the holder, the other the would-be sweeper.
    const holder = both.find((w) => w.id === owner)!.worker;
    const otherId = both.find((w) => w.id !== owner)!.id;
    // Drop the owner's LISTEN session (its liveness lock goes with it) and keep it from reconnecting, as a network
    // blip or a Postgres restart would: new connections to the database are refused meanwhile, while the open ones
    // (the workers' pools) go on. The window lasts until the owner has been refused a reconnect and the other worker
    // has swept at least once with the lock missing: the events this test is about, however long they take.
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} WITH ALLOW_CONNECTIONS false`);
      const { rows } = await db.pool.query(
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE application_name = 'bench-worker-listen' AND pid IN (
           SELECT l.pid FROM pg_locks l JOIN worker_heartbeats w ON l.objid::bigint = w.liveness_key
           WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND w.worker_id = $1)`,
        [owner],
      );
      expect(rows).toEqual([{ ok: true }]);
      await waitFor(async () => /listen reconnect failed/.test(holder.output()), { what: 'the owner to be refused a reconnect', detail: holder.output });
      await sweptSince(otherId, 2);
    } finally {
      await admin.query(`ALTER DATABASE ${pg.escapeIdentifier(db.name)} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // Wait for the run to end or to lose its first attempt (swept, or retried after an error), not for a number of
    // seconds: on a busy machine the run may take long, and a defect shows as a wrong outcome, not as a timeout.
    const events = await waitFor(
      async () => {
        const types = (await getRunEvents(db.pool, id)).map((e) => e.type);
        const over = ['succeeded', 'failed', 'canceled', 'inconclusive', 'requeued', 'retry'].some((t) => types.includes(t));
        return over ? types : undefined;
      },
      { what: 'the run to end or lose its first attempt' },
    );
    expect(events).not.toContain('requeued');
    expect(events).not.toContain('retry');
    const run = (await getRun(db.pool, id))!;
    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(1);
    expect(run.leaseOwner).toBe(owner);
    // And the owner registers again with its lock held: the listener's reconnect, which may come after the run ends.
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN worker_heartbeats w ON l.objid::bigint = w.liveness_key
           WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND w.worker_id = $1`,
          [owner],
        );
        return rows[0].n === 1;
      },
      { what: 'the owner to hold its liveness lock again' },
    );
  }, 180_000);
});

/**
 * Waits until `workerId` has touched its row `times` more times from now. The sweeper touches the row and then sweeps,
 * so two touches mean one whole sweep ran in between.
 */
async function sweptSince(workerId: string, times: number): Promise<void> {
  const seen = async () => (await db.pool.query('SELECT last_seen_at FROM worker_heartbeats WHERE worker_id = $1', [workerId])).rows[0].last_seen_at as Date;
  let last = await seen();
  for (let i = 0; i < times; i++) {
    const before = last;
    last = await waitFor(async () => {
      const t = await seen();
      return t.getTime() > before.getTime() ? t : undefined;
    }, { what: `the other worker's sweep ${i + 1} of ${times} while the lock is missing` });
  }
}
