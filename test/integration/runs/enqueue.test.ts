/**
 * Enqueue and claim at the SQL level: one notification per statement, dedupe keys, claim order, SKIP LOCKED.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { enqueueRun, enqueueRuns } from '../../../src/runs/enqueue.js';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { cancelRun, getRun, getRunEvents } from '../../../src/runs/queries.js';
import { RUNS_CHANNEL } from '../../../src/runs/types.js';
import { useTestDatabase } from '../../helpers/db.js';
import { waitFor } from './helpers.js';

const db = useTestDatabase({ poolSize: 10 });
let listener: pg.Client;
const notifications: string[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: db.url });
  await listener.connect();
  listener.on('notification', (n) => notifications.push(n.channel));
  await listener.query(`LISTEN ${RUNS_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
});

/** Clears queued runs between tests so claims see only the test's own. */
async function clearQueue(): Promise<void> {
  await db.pool.query(`UPDATE runs SET status = 'canceled', finished_at = now() WHERE status IN ('queued', 'running')`);
}

describe('enqueue', () => {
  it('stores a queued run with defaults and a "queued" event', async () => {
    const { id, deduped } = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: { a: 1 } });
    expect(deduped).toBe(false);
    const run = await getRun(db.pool, id);
    expect(run).toMatchObject({ id, kind: 'noop', status: 'queued', priority: 0, attempts: 0, maxAttempts: 3, payload: { a: 1 } });
    const events = await getRunEvents(db.pool, id);
    expect(events.map((e) => e.type)).toEqual(['queued']);
    await clearQueue();
  });

  it('inserts many runs in one statement with exactly one notification, results in input order', async () => {
    const before = notifications.length;
    const inputs = Array.from({ length: 500 }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } }));
    const results = await enqueueRuns(db.pool, inputs);
    expect(results).toHaveLength(500);
    // Notifications arrive in commit order: once the marker's arrives, every notification of the batch has too.
    await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: { marker: true } });
    await waitFor(async () => notifications.length >= before + 2, { what: 'the marker notification' });
    expect(notifications.length - before).toBe(2);
    const { rows } = await db.pool.query(`SELECT id::text AS id, payload->>'i' AS i FROM runs WHERE id = ANY($1::bigint[])`, [
      results.map((r) => r.id),
    ]);
    const byId = new Map(rows.map((r) => [r.id, Number(r.i)]));
    results.forEach((r, i) => expect(byId.get(r.id)).toBe(i));
    await clearQueue();
  });

  it('collapses a dedupe key onto the live run, within and across statements, and frees it when the run ends', async () => {
    const [a, b, c] = await enqueueRuns(db.pool, [
      { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k1' },
      { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k1' },
      { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k2' },
    ]);
    expect(a!.deduped).toBe(false);
    expect(b).toEqual({ id: a!.id, deduped: true });
    expect(c!.id).not.toBe(a!.id);
    const again = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k1' });
    expect(again).toEqual({ id: a!.id, deduped: true });
    // Concurrent enqueues of one key: exactly one run.
    const racing = await Promise.all(
      Array.from({ length: 8 }, () => enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k3' })),
    );
    expect(new Set(racing.map((r) => r.id)).size).toBe(1);
    expect(racing.filter((r) => !r.deduped)).toHaveLength(1);

    expect(await cancelRun(db.pool, a!.id, null)).toBe('canceled');
    const fresh = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, dedupeKey: 'k1' });
    expect(fresh.deduped).toBe(false);
    expect(fresh.id).not.toBe(a!.id);
    await clearQueue();
  });

  it('refuses a bad kind or attempt count with a clear error', async () => {
    const err = await enqueueRun(db.pool, { kind: '../etc', ownerId: null, payload: {} }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toMatch(/kind must be/);
    await expect(enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {}, maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
  });

  it('keeps a path-unsafe kind out of the table even past the service (the run_kind domain, 0010)', async () => {
    // Views are found by kind (views/partials/runs/result-<kind>.njk), so the database holds the line too.
    const insert = db.pool.query(`INSERT INTO runs (kind) VALUES ('../etc')`);
    await expect(insert).rejects.toMatchObject({ code: '23514' });
    const { id } = await enqueueRun(db.pool, { kind: 'noop', ownerId: null, payload: {} });
    await expect(db.pool.query(`UPDATE runs SET kind = 'No/Way' WHERE id = $1`, [id])).rejects.toMatchObject({ code: '23514' });
    // Updates that leave the kind alone (every claim, heartbeat and completion) go through and keep it.
    await db.pool.query(`UPDATE runs SET priority = 1 WHERE id = $1`, [id]);
    expect((await getRun(db.pool, id))?.kind).toBe('noop');
  });
});

describe('claim', () => {
  it('takes due runs of its kinds by priority, then run_at, then id', async () => {
    await clearQueue();
    const past = new Date(Date.now() - 60_000);
    const [late, urgent, early, future, other] = await enqueueRuns(db.pool, [
      { kind: 'noop', ownerId: null, payload: { n: 'late' } },
      { kind: 'noop', ownerId: null, payload: { n: 'urgent' }, priority: -5 },
      { kind: 'noop', ownerId: null, payload: { n: 'early' }, runAt: past },
      { kind: 'noop', ownerId: null, payload: { n: 'future' }, runAt: new Date(Date.now() + 3_600_000) },
      { kind: 'sleep', ownerId: null, payload: { n: 'other kind' } },
    ]);
    const claimed = await claimRuns(db.pool, { workerId: 'w1', kinds: ['noop'], limit: 10, leaseMs: 30_000 });
    const order = claimed.map((c) => c.id).sort((x, y) => Number(x) - Number(y));
    expect(new Set(order)).toEqual(new Set([urgent!.id, early!.id, late!.id]));
    const one = await claimRuns(db.pool, { workerId: 'w1', kinds: ['noop', 'sleep'], limit: 1, leaseMs: 30_000 });
    expect(one.map((c) => c.id)).toEqual([other!.id]);
    expect(future).toBeDefined();
    // Order is checked one at a time on fresh runs.
    await clearQueue();
    const [x, y, z] = await enqueueRuns(db.pool, [
      { kind: 'noop', ownerId: null, payload: {} },
      { kind: 'noop', ownerId: null, payload: {}, priority: -1 },
      { kind: 'noop', ownerId: null, payload: {}, runAt: past },
    ]);
    const seq: string[] = [];
    for (let i = 0; i < 3; i++) seq.push((await claimRuns(db.pool, { workerId: 'w', kinds: ['noop'], limit: 1, leaseMs: 1000 }))[0]!.id);
    expect(seq).toEqual([y!.id, z!.id, x!.id]);
    const run = await getRun(db.pool, y!.id);
    expect(run).toMatchObject({ status: 'running', attempts: 1, leaseOwner: 'w' });
    expect(run!.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() - 5000);
  });

  it('concurrent claimers take disjoint runs and together take them all (SKIP LOCKED)', async () => {
    await clearQueue();
    const runs = await enqueueRuns(db.pool, Array.from({ length: 200 }, () => ({ kind: 'noop', ownerId: null, payload: {} })));
    const got: string[][] = Array.from({ length: 8 }, () => []);
    await Promise.all(
      got.map(async (mine, w) => {
        for (;;) {
          const c = await claimRuns(db.pool, { workerId: `w${w}`, kinds: ['noop'], limit: 7, leaseMs: 30_000 });
          if (c.length === 0) return;
          mine.push(...c.map((r) => r.id));
        }
      }),
    );
    const all = got.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(new Set(runs.map((r) => r.id)));
    expect(got.filter((g) => g.length > 0).length).toBeGreaterThan(1);
  });
});
