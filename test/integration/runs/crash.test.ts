/**
 * SIGKILL a worker in the middle of a run, ten times over: each time the run completes on another worker, and its
 * items are neither lost nor duplicated (the resumed attempt skips what the killed one recorded).
 */
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { useWorkers, waitFor, type WorkerProcess } from './helpers.js';

const { db, start } = useWorkers();

// A killed worker's runs are found through its lapsed liveness lock, not its lease; a long lease keeps a busy
// machine's late heartbeat from sweeping a live worker's run, which would be a third attempt this test does not mean.
const env = { WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '60000' };
const STEPS = 12;

describe('a worker killed mid-run', () => {
  it('its run completes elsewhere with every item exactly once, 10 times in a row', async () => {
    const live = new Map<string, WorkerProcess>();
    const spawnOne = async () => {
      const { worker, id } = await start(env);
      live.set(id, worker);
    };
    await spawnOne();
    await spawnOne();

    for (let round = 0; round < 10; round++) {
      const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: STEPS * 150, steps: STEPS, items: true } });
      const holder = await waitFor(
        async () => {
          const { rows } = await db.pool.query(
            `SELECT r.lease_owner, (SELECT count(*)::int FROM run_items i WHERE i.run_id = r.id) AS items
             FROM runs r WHERE r.id = $1 AND r.status = 'running'`,
            [id],
          );
          return rows[0] && rows[0].items >= 3 ? (rows[0].lease_owner as string) : undefined;
        },
        { what: `round ${round}: the run to be under way`, intervalMs: 20 },
      );
      const victim = live.get(holder)!;
      victim.child.kill('SIGKILL');
      await victim.exited;
      live.delete(holder);

      await waitFor(async () => (await getRun(db.pool, id))!.status === 'succeeded', {
        what: `round ${round}: the run to finish on another worker`,
      });
      const run = (await getRun(db.pool, id))!;
      expect(run.attempts).toBe(2);
      expect(run.leaseOwner).not.toBe(holder);
      const items = await getRunItems(db.pool, id);
      expect(items.map((i) => i.itemKey)).toEqual(Array.from({ length: STEPS }, (_, i) => `step-${String(i).padStart(5, '0')}`));
      expect(items.every((i) => i.writes === 1)).toBe(true);
      const byFirst = items.filter((i) => i.attempt === 1).length;
      expect(byFirst).toBeGreaterThanOrEqual(3);
      expect((run.result as { resumed: number }).resumed).toBe(byFirst);
      const types = (await getRunEvents(db.pool, id)).map((e) => e.type);
      expect(types).toEqual(['queued', 'started', 'requeued', 'started', 'succeeded']);
      await spawnOne();
    }
  }, 600_000); // only bounds a hang: ten worker boots take minutes on a loaded machine
});
