/**
 * Cancel: a running run's handler hears it through its AbortSignal, delivered by NOTIFY (the worker here neither
 * heartbeats nor polls within the test's time), and the run ends canceled with its items kept. A queued run is
 * canceled on the spot and never runs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { cancelRun, getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from './helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
afterAll(() => killAll(workers));

describe('cancel', () => {
  it('a queued run is canceled at once and never runs', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 10 } });
    expect(await cancelRun(db.pool, id, null)).toBe('canceled');
    expect(await getRun(db.pool, id)).toMatchObject({ status: 'canceled', attempts: 0, error: { code: 'canceled' } });
    expect(await cancelRun(db.pool, id, null)).toBe('already_finished');
    expect(await cancelRun(db.pool, '999999999', null)).toBe('not_found');

    const w = spawnWorker(db.url);
    workers.push(w);
    await w.ready(db.pool);
    // A later, lower-priority run finishing proves the worker has passed over the canceled one.
    const marker = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, priority: 10 });
    await waitFor(async () => (await getRun(db.pool, marker.id))!.status === 'succeeded', { what: 'the marker run' });
    expect(await getRun(db.pool, id)).toMatchObject({ status: 'canceled', attempts: 0, startedAt: null });
    expect((await getRunEvents(db.pool, id)).map((e) => e.type)).toEqual(['queued', 'canceled']);
    await killAll(workers);
  });

  it('a running run: the handler stops on its signal and the items so far are kept', async () => {
    // Heartbeat every 20 s and a 60 s poll: within this test only the NOTIFY can tell the worker.
    const w = spawnWorker(db.url, { WORKER_LEASE_MS: '60000', WORKER_POLL_MS: '60000' });
    workers.push(w);
    await w.ready(db.pool);
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 60_000, steps: 300, items: true } });
    await waitFor(async () => (await getRunItems(db.pool, id)).length >= 3, { what: 'items to be recorded' });
    expect(await cancelRun(db.pool, id, null)).toBe('cancel_requested');
    const run = await waitFor(
      async () => {
        const r = await getRun(db.pool, id);
        return r?.status === 'canceled' ? r : undefined;
      },
      { what: 'the run to be canceled' },
    );
    expect(run.error).toEqual({ code: 'canceled', message: 'Canceled while running.' });
    const items = await getRunItems(db.pool, id);
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.length).toBeLessThan(300);
    const events = await getRunEvents(db.pool, id);
    expect(events.map((e) => e.type)).toEqual(['queued', 'started', 'cancel_requested', 'canceled']);
    expect(events[3]!.message).toMatch(/handler stopped on its signal/);
    // The worker is free again: it takes the next run at once.
    const next = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {} });
    await waitFor(async () => (await getRun(db.pool, next.id))!.status === 'succeeded', { what: 'the next run' });
  }, 60_000);
});
