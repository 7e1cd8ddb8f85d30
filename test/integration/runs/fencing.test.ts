/**
 * Fencing at the SQL level: once a run was swept and claimed again, every write of the earlier attempt (progress,
 * item, heartbeat, completion, failure, cancel) matches nothing, and the new owner's writes stand.
 */
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import {
  claimRuns,
  failRun,
  finishCanceled,
  heartbeatRuns,
  recordItem,
  requeueRuns,
  setProgress,
  type Fence,
} from '../../../src/runs/lease-queries.js';
import { completeRuns } from '../../../src/runs/completion-queries.js';
import { getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { sweepLostRuns } from '../../../src/runs/worker-queries.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();

describe('a zombie after a takeover', () => {
  it('cannot write progress, items, heartbeats, a result, a failure or a cancel', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: {} });
    const [a] = await claimRuns(db.pool, { workerId: 'zombie', kinds: ['sleep'], limit: 1, leaseMs: 60_000 });
    const zombie: Fence = { id, attempt: a!.attempt, workerId: 'zombie' };
    expect(await recordItem(db.pool, zombie, { key: 'i1', status: 'pass', result: { by: 'zombie' } })).toBe(true);

    // The zombie's lease runs out (it is paused, say); a sweep requeues and another worker claims attempt 2.
    await db.pool.query(`UPDATE runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [id]);
    expect(await sweepLostRuns(db.pool)).toMatchObject({ requeued: 1 });
    const [b] = await claimRuns(db.pool, { workerId: 'fresh', kinds: ['sleep'], limit: 1, leaseMs: 60_000 });
    expect(b).toMatchObject({ id, attempt: 2 });
    const fresh: Fence = { id, attempt: 2, workerId: 'fresh' };
    expect(await setProgress(db.pool, fresh, { done: 1, total: 2, message: 'fresh' })).toBe(true);
    expect(await recordItem(db.pool, fresh, { key: 'i1', status: 'fail', result: { by: 'fresh' } })).toBe(true);

    expect(await setProgress(db.pool, zombie, { done: 2, total: 2, message: 'zombie' })).toBe(false);
    expect(await recordItem(db.pool, zombie, { key: 'i1', status: 'pass', result: { by: 'zombie' } })).toBe(false);
    expect(await recordItem(db.pool, zombie, { key: 'i2', status: 'pass', result: { by: 'zombie' } })).toBe(false);
    expect(await heartbeatRuns(db.pool, 'zombie', [zombie], 60_000)).toEqual([]);
    const completion = { id, attempt: zombie.attempt, result: { by: 'zombie' }, expectsItems: false, inconclusiveReason: null };
    expect(await completeRuns(db.pool, 'zombie', [completion])).toEqual([id]); // lost: nothing written
    const backoff = { baseMs: 10, maxMs: 100 };
    expect(await failRun(db.pool, { fence: zombie, retryable: false, code: 'x', message: 'zombie', retryAfterMs: null, backoff })).toBeNull();
    expect(await finishCanceled(db.pool, zombie, { by: 'zombie' })).toBe(false);
    // Same attempt number, different worker: still refused (the owner is part of the fence).
    expect(await setProgress(db.pool, { ...fresh, workerId: 'zombie' }, { done: 9, total: 9, message: 'x' })).toBe(false);

    let run = await getRun(db.pool, id);
    expect(run).toMatchObject({ status: 'running', attempts: 2, leaseOwner: 'fresh', progress: { done: 1, total: 2, message: 'fresh' } });
    expect(await getRunItems(db.pool, id)).toMatchObject([{ itemKey: 'i1', status: 'fail', attempt: 2, result: { by: 'fresh' } }]);

    expect(await completeRuns(db.pool, 'fresh', [{ ...completion, attempt: 2, result: { by: 'fresh' } }])).toEqual([]);
    run = await getRun(db.pool, id);
    expect(run).toMatchObject({ status: 'succeeded', result: { by: 'fresh' } });
    const events = await getRunEvents(db.pool, id);
    expect(events.map((e) => `${e.type}:${e.attempt ?? ''}`)).toEqual(['queued:', 'started:1', 'requeued:1', 'started:2', 'succeeded:2']);
    // Each start names the worker that claimed that attempt, and says which attempt it was.
    expect(events.filter((e) => e.type === 'started').map((e) => [e.message, e.data])).toEqual([
      ['Attempt 1 started', { worker: 'zombie' }],
      ['Attempt 2 started', { worker: 'fresh' }],
    ]);
  });
});

describe('completion', () => {
  it('ends inconclusive when no item is gradable, when expected items are missing, or when the handler says so', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: { i } })).id);
    const claimed = await claimRuns(db.pool, { workerId: 'w', kinds: ['noop'], limit: 4, leaseMs: 60_000 });
    expect(claimed).toHaveLength(4);
    const f = (id: string): Fence => ({ id, attempt: 1, workerId: 'w' });
    const [allErrors, noItems, saysSo, graded] = ids as [string, string, string, string];
    await recordItem(db.pool, f(allErrors), { key: 'a', status: 'error', result: null });
    await recordItem(db.pool, f(allErrors), { key: 'b', status: 'skipped', result: null });
    await recordItem(db.pool, f(graded), { key: 'a', status: 'error', result: null });
    await recordItem(db.pool, f(graded), { key: 'b', status: 'fail', result: null });
    const base = { attempt: 1, result: { ok: 1 }, expectsItems: false, inconclusiveReason: null };
    const lost = await completeRuns(db.pool, 'w', [
      { ...base, id: allErrors },
      { ...base, id: noItems, expectsItems: true },
      { ...base, id: saysSo, inconclusiveReason: 'The model never answered.' },
      { ...base, id: graded },
    ]);
    expect(lost).toEqual([]);
    const status = new Map(await Promise.all(ids.map(async (id) => [id, (await getRun(db.pool, id))!.status] as const)));
    expect(status.get(allErrors)).toBe('inconclusive');
    expect(status.get(noItems)).toBe('inconclusive');
    expect(status.get(saysSo)).toBe('inconclusive');
    expect(status.get(graded)).toBe('succeeded');
    expect((await getRun(db.pool, allErrors))!.error).toEqual({ code: 'inconclusive', message: 'No gradable result: 2 item(s), none passed or failed.' });
    expect((await getRun(db.pool, saysSo))!.error!.message).toBe('The model never answered.');
  });
});

describe('attempts cut short by a shutdown', () => {
  it('do not count against max_attempts; real failures still do', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'interruptible', ownerId: null, payload: {}, maxAttempts: 2 });
    const claim = async (workerId: string) => {
      await db.pool.query('UPDATE runs SET run_at = now() WHERE id = $1', [id]); // skip the backoff wait
      const [r] = await claimRuns(db.pool, { workerId, kinds: ['interruptible'], limit: 1, leaseMs: 60_000 });
      return { id, attempt: r!.attempt, workerId };
    };
    const fail = (fence: Fence) =>
      failRun(db.pool, { fence, retryable: true, code: 'overloaded', message: 'try later', retryAfterMs: null, backoff: { baseMs: 10, maxMs: 10 } });

    const a = await claim('a');
    expect(await requeueRuns(db.pool, 'a', [a], 'Worker shut down: back in the queue')).toBe(1);
    expect((await getRun(db.pool, id))!).toMatchObject({ status: 'queued', attempts: 1, interruptions: 1 });
    expect((await fail(await claim('b')))!.status).toBe('queued'); // attempt 2, but only the first real one
    const last = await fail(await claim('c'));
    expect(last!.status).toBe('failed');
    expect((await getRun(db.pool, id))!.error!.message).toBe('Gave up after 2 attempts. Last error: try later');
  });
});
