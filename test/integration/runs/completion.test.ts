/**
 * How a finished run ends, through the real worker runtime (in this process, with handlers of the test's own):
 * the completion skips counting items only when the attempt is a first one that recorded none, and still finds
 * an attempt's ungradable items or missing expected items.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { claimRuns, recordItem } from '../../../src/runs/lease-queries.js';
import { completeRuns } from '../../../src/runs/completion-queries.js';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun } from '../../../src/runs/queries.js';
import { CANCEL_CHANNEL } from '../../../src/runs/types.js';
import { createRegistry } from '../../../worker/handlers/index.js';
import { startWorker, type RunningWorker } from '../../../worker/runtime.js';
import { useTestDatabase } from '../../helpers/db.js';
import { waitFor } from './helpers.js';

const db = useTestDatabase();
let worker: RunningWorker;

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: db.url, WORKER_CONCURRENCY: '4', WORKER_POLL_MS: '200' });
  const registry = createRegistry([
    { kind: 'returns-null', handle: async () => null },
    {
      kind: 'long-sleep',
      handle: (_payload, ctx) =>
        new Promise((resolve, reject) => {
          if (ctx.signal.aborted) return reject(ctx.signal.reason);
          const t = setTimeout(() => resolve({ slept: true }), 20_000);
          ctx.signal.addEventListener('abort', () => (clearTimeout(t), reject(ctx.signal.reason)), { once: true });
        }),
    },
    { kind: 'returns-value', handle: async () => ({ answer: 42 }) },
    {
      kind: 'ungradable-items',
      async handle(_payload, ctx) {
        await ctx.recordItem('a', { status: 'error' });
        await ctx.recordItem('b', { status: 'skipped' });
        return { tried: 2 };
      },
    },
    { kind: 'expects-items', expectsItems: true, handle: async () => ({ tried: 0 }) },
    {
      kind: 'graded-items',
      expectsItems: true,
      async handle(_payload, ctx) {
        await ctx.recordItem('a', { status: 'fail' });
        return { tried: 1 };
      },
    },
  ]);
  worker = await startWorker({ pool: db.pool, databaseUrl: db.url, config: config.worker, registry, log: pino({ level: 'silent' }), version: 'test' });
});

afterAll(async () => {
  await worker?.shutdown();
});

async function finished(kindOrId: string) {
  const id = /^\d+$/.test(kindOrId) ? kindOrId : (await enqueueRun(db.pool, { kind: kindOrId, ownerId: null, payload: {} })).id;
  return waitFor(
    async () => {
      const run = await getRun(db.pool, id);
      return run && !['queued', 'running'].includes(run.status) ? run : undefined;
    },
    { what: `run ${kindOrId} to finish` },
  );
}

describe('completion through the worker', () => {
  it('a handler returning null or a value succeeds; null is stored as no result', async () => {
    const none = await finished('returns-null');
    expect(none.status).toBe('succeeded');
    expect((await db.pool.query('SELECT result IS NULL AS empty FROM runs WHERE id = $1', [none.id])).rows[0].empty).toBe(true);
    const value = await finished('returns-value');
    expect(value.status).toBe('succeeded');
    expect(value.result).toEqual({ answer: 42 });
  });

  it('a first attempt that recorded only ungradable items ends inconclusive (its items are counted)', async () => {
    const run = await finished('ungradable-items');
    expect(run.status).toBe('inconclusive');
    expect(run.error).toEqual({ code: 'inconclusive', message: 'No gradable result: 2 item(s), none passed or failed.' });
  });

  it('a handler that expects items and recorded none ends inconclusive; one with a graded item succeeds', async () => {
    const none = await finished('expects-items');
    expect(none.status).toBe('inconclusive');
    expect(none.error!.message).toBe('No gradable result: the run recorded no items.');
    expect((await finished('graded-items')).status).toBe('succeeded');
  });
});

describe('a cancel that arrives before the run is in hand', () => {
  it('is applied when the run is claimed, not lost until a heartbeat', async () => {
    // The race, laid out slowly: the cancel NOTIFY reaches the worker before the run does (it becomes claimable
    // a moment later). The handler would otherwise sleep for 20 s; the 30 s lease keeps the heartbeat out of it.
    const { id } = await enqueueRun(db.pool, { kind: 'long-sleep', ownerId: null, payload: {}, runAt: new Date(Date.now() + 700) });
    await db.pool.query('SELECT pg_notify($1, $2)', [CANCEL_CHANNEL, id]);
    const run = await finished(id);
    expect(run.status).toBe('canceled');
    expect(run.attempts).toBe(1);
  });
});

describe('shutdown', () => {
  it('a handler that returns because shutdown aborted it goes back to the queue, not to succeeded with partial work', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, WORKER_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '200' });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const registry = createRegistry([
      {
        kind: 'stops-on-abort',
        async handle(_payload, ctx) {
          started();
          await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
          return { partial: true };
        },
      },
    ]);
    const stopping = await startWorker({ pool: db.pool, databaseUrl: db.url, config: config.worker, registry, log: pino({ level: 'silent' }), version: 'test' });
    const { id } = await enqueueRun(db.pool, { kind: 'stops-on-abort', ownerId: null, payload: {} });
    await running;
    await stopping.shutdown();
    const run = (await getRun(db.pool, id))!;
    expect(run.status).toBe('queued');
    expect(run.attempts).toBe(1);
    expect(run.result).toBeNull();
  });
});

describe('completeRuns with noItems', () => {
  it('is only a hint for callers that know: without it, items written by anyone are counted', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'direct', ownerId: null, payload: {} });
    const [claimed] = await claimRuns(db.pool, { workerId: 'w', kinds: ['direct'], limit: 1, leaseMs: 60_000 });
    await recordItem(db.pool, { id, attempt: claimed!.attempt, workerId: 'w' }, { key: 'x', status: 'error', result: null });
    expect(await completeRuns(db.pool, 'w', [{ id, attempt: claimed!.attempt, result: null, expectsItems: false, inconclusiveReason: null }])).toEqual([]);
    expect((await getRun(db.pool, id))!.status).toBe('inconclusive');
  });

  it('a batch of plain runs (their own statement) is fenced like any other: a stale attempt writes nothing', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await enqueueRun(db.pool, { kind: 'direct', ownerId: null, payload: {} })).id);
    const claimed = await claimRuns(db.pool, { workerId: 'w', kinds: ['direct'], limit: 3, leaseMs: 60_000 });
    expect(claimed.map((c) => c.id).sort()).toEqual([...ids].sort());
    const plain = (id: string, attempt: number) => ({ id, attempt, result: null, expectsItems: false, inconclusiveReason: null, noItems: true });
    const [ok, stale, otherOwner] = ids as [string, string, string];
    // A stale attempt number and another worker's run come back as lost; the third is ours and succeeds.
    const lost = await completeRuns(db.pool, 'w', [plain(ok, 1), plain(stale, 7)]);
    expect(lost).toEqual([stale]);
    expect(await completeRuns(db.pool, 'someone-else', [plain(otherOwner, 1)])).toEqual([otherOwner]);
    expect((await getRun(db.pool, ok))!.status).toBe('succeeded');
    expect((await getRun(db.pool, stale))!.status).toBe('running');
    expect((await getRun(db.pool, otherOwner))!.status).toBe('running');
    const events = await db.pool.query(`SELECT run_id::text AS id, type FROM run_events WHERE run_id = ANY($1) AND type = 'succeeded'`, [ids]);
    expect(events.rows).toEqual([{ id: ok, type: 'succeeded' }]);
  });
});
