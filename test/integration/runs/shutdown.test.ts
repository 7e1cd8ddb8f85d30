/**
 * SIGTERM: no more claims, a grace period for handlers, then the runs still in hand go straight back to `queued`
 * (long before their lease would expire) and the worker exits 0. A second signal exits at once.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRun, enqueueRuns } from '../../../src/runs/enqueue.js';
import { getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from './helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
afterAll(() => killAll(workers));

const long = { kind: 'sleep', ownerId: null, payload: { ms: 120_000, steps: 1200, items: true } };

async function runningBy(workerId: string, ids: string[]): Promise<boolean> {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS n FROM runs r WHERE r.id = ANY($1::bigint[]) AND r.status = 'running' AND r.lease_owner = $2
       AND EXISTS (SELECT 1 FROM run_items i WHERE i.run_id = r.id)`,
    [ids, workerId],
  );
  return rows[0].n === ids.length;
}

describe('graceful shutdown', () => {
  it('puts the runs in hand back in the queue at once and exits 0', async () => {
    const w = spawnWorker(db.url, { WORKER_CONCURRENCY: '2', WORKER_LEASE_MS: '120000', SHUTDOWN_GRACE_MS: '300' });
    workers.push(w);
    const workerId = await w.ready(db.pool);
    const ids = (await enqueueRuns(db.pool, [long, long])).map((r) => r.id);
    await waitFor(() => runningBy(workerId, ids), { what: 'both runs to be under way' });
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit, w.output()).toEqual({ code: 0, signal: null });
    for (const id of ids) {
      expect(await getRun(db.pool, id)).toMatchObject({ status: 'queued', attempts: 1, leaseOwner: null, leaseExpiresAt: null });
      expect((await getRunItems(db.pool, id)).length).toBeGreaterThan(0);
      const events = await getRunEvents(db.pool, id);
      expect(events.at(-1)).toMatchObject({ type: 'requeued', message: 'Worker shut down: back in the queue' });
    }
    const { rows } = await db.pool.query('SELECT 1 FROM worker_heartbeats WHERE worker_id = $1', [workerId]);
    expect(rows).toHaveLength(0);
    await db.pool.query(`UPDATE runs SET status = 'canceled' WHERE id = ANY($1::bigint[])`, [ids]);
  }, 180_000);

  it('lets a run that ends within the grace period finish', async () => {
    const w = spawnWorker(db.url, { WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '20000' });
    workers.push(w);
    const workerId = await w.ready(db.pool);
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 1500, steps: 15, items: true } });
    await waitFor(() => runningBy(workerId, [id]), { what: 'the run to be under way' });
    w.child.kill('SIGTERM');
    expect(await w.exited).toEqual({ code: 0, signal: null });
    expect(await getRun(db.pool, id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  }, 180_000);

  it('a second signal exits at once', async () => {
    const w = spawnWorker(db.url, { WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '60000' });
    workers.push(w);
    const workerId = await w.ready(db.pool);
    const { id } = await enqueueRun(db.pool, long);
    await waitFor(() => runningBy(workerId, [id]), { what: 'the run to be under way' });
    w.child.kill('SIGTERM');
    await waitFor(
      async () => (await db.pool.query('SELECT stopping FROM worker_heartbeats WHERE worker_id = $1', [workerId])).rows[0]?.stopping,
      { what: 'the worker to start draining' },
    );
    w.child.kill('SIGTERM');
    const exit = await w.exited;
    expect(exit.code).toBe(130);
    // Abandoned mid-grace: the run is still marked running, for the sweeper to rescue.
    expect(await getRun(db.pool, id)).toMatchObject({ status: 'running' });
  }, 180_000);
});
