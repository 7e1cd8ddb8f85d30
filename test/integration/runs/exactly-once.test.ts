/**
 * Four real worker processes burn down 2,000 runs: every run is executed exactly once (one claim, one attempt,
 * one completion), and the work really was shared.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRuns } from '../../../src/runs/enqueue.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from './helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
afterAll(() => killAll(workers));

describe('four workers, 2,000 runs', () => {
  it('execute each run exactly once', async () => {
    for (let i = 0; i < 4; i++) workers.push(spawnWorker(db.url, { WORKER_CONCURRENCY: '4', WORKER_LEASE_MS: '30000' }));
    const ids = await Promise.all(workers.map((w) => w.ready(db.pool)));
    const runs = await enqueueRuns(db.pool, Array.from({ length: 2000 }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));
    await waitFor(
      async () => {
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM runs WHERE status IN ('queued', 'running')`);
        return rows[0].n === 0;
      },
      { what: 'the queue to drain', intervalMs: 200 },
    );
    const { rows: summary } = await db.pool.query(
      `SELECT status, attempts, count(*)::int AS n FROM runs WHERE id = ANY($1::bigint[]) GROUP BY 1, 2`,
      [runs.map((r) => r.id)],
    );
    expect(summary).toEqual([{ status: 'succeeded', attempts: 1, n: 2000 }]);
    const { rows: events } = await db.pool.query(
      `SELECT type, count(*)::int AS n, count(DISTINCT run_id)::int AS runs FROM run_events
       WHERE type IN ('started', 'succeeded', 'requeued', 'retry') GROUP BY type ORDER BY type`,
    );
    expect(events).toEqual([
      { type: 'started', n: 2000, runs: 2000 },
      { type: 'succeeded', n: 2000, runs: 2000 },
    ]);
    const { rows: perWorker } = await db.pool.query(`SELECT lease_owner, count(*)::int AS n FROM runs GROUP BY 1`);
    expect(perWorker.map((r) => r.lease_owner).sort()).toEqual([...ids].sort());
    expect(perWorker.every((r) => r.n > 0)).toBe(true);
  }, 120_000);
});
