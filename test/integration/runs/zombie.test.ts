/**
 * A real zombie: a worker frozen with SIGSTOP keeps its Postgres session (so it still looks alive) but stops
 * heartbeating; its lease runs out, another worker takes the run over and finishes it. Thawed with SIGCONT, the
 * zombie finds its lease gone, and nothing it had not written before the freeze ever reaches the database.
 */
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { useWorkers, waitFor } from './helpers.js';

const { db, start } = useWorkers();

describe('a zombie worker', () => {
  it('cannot write progress, items or a result after its lease was taken over', async () => {
    // The zombie's lease is what runs out, and a frozen process provably misses any lease; 6 s is long enough that a
    // busy machine does not make the zombie miss its own heartbeats before the freeze. The rescuer's lease is
    // generous, so its takeover is never swept in turn.
    const { worker: zombie, id: zombieId } = await start({ WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '6000' });
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 4000, steps: 20, items: true } });
    await waitFor(async () => (await getRunItems(db.pool, id)).length >= 3, { what: 'the zombie to record items' });
    zombie.child.kill('SIGSTOP');
    const frozen = await getRun(db.pool, id);
    const itemsAtFreeze = (await getRunItems(db.pool, id)).length;
    expect(frozen).toMatchObject({ status: 'running', attempts: 1, leaseOwner: zombieId });

    const { id: rescuerId } = await start({ WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '60000' });
    await waitFor(async () => (await getRun(db.pool, id))!.status === 'succeeded', { what: 'the takeover to finish' });
    const finished = (await getRun(db.pool, id))!;
    expect(finished).toMatchObject({ attempts: 2, leaseOwner: rescuerId, progress: { done: 20, total: 20 } });

    zombie.child.kill('SIGCONT');
    await waitFor(async () => /lease lost/.test(zombie.output()), { what: 'the zombie to notice its lease is gone' });
    // Give the thawed zombie's in-flight writes every chance to land, then check none did.
    await waitFor(
      async () => {
        const { rows } = await db.pool.query('SELECT runs_in_hand FROM worker_heartbeats WHERE worker_id = $1', [zombieId]);
        return rows[0]?.runs_in_hand === 0;
      },
      { what: 'the zombie to drop the run' },
    );
    expect(await getRun(db.pool, id)).toEqual(finished);
    const items = await getRunItems(db.pool, id);
    expect(items).toHaveLength(20);
    expect(items.every((i) => i.writes === 1)).toBe(true);
    expect(items.filter((i) => i.attempt === 1)).toHaveLength(itemsAtFreeze);
    const events = await getRunEvents(db.pool, id);
    expect(events.map((e) => `${e.type}:${e.attempt ?? ''}`)).toEqual(['queued:', 'started:1', 'requeued:1', 'started:2', 'succeeded:2']);
    expect(events[2]!.message).toMatch(/Lease expired/);
  }, 180_000);
});
