/**
 * `runOne` (worker/one-run.ts) executes exactly one run by id: claimed when queued, or the dispatcher's claim adopted
 * on a remote machine; fenced like any worker, so a claim that no longer holds is refused and writes nothing.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { claimRunById } from '../../../src/runs/claim-one-queries.js';
import { getRun, getRunEvents, getRunItems } from '../../../src/runs/queries.js';
import { runOne } from '../../../worker/one-run.js';
import { testConfig } from '../../helpers/app.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const log = pino({ level: 'silent' });
const sleepRun = () => enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 30, steps: 3, items: true } });

describe('runOne', () => {
  it('claims a queued run by id, executes it with its items, and reports success', async () => {
    const { id } = await sleepRun();
    const other = await sleepRun();
    const result = await runOne(testConfig(db), { runId: id }, { log });
    expect(result).toEqual({ status: 'succeeded', exitCode: 0 });
    expect((await getRunItems(db.pool, id)).map((i) => i.status)).toEqual(['pass', 'pass', 'pass']);
    const started = (await getRunEvents(db.pool, id)).find((e) => e.type === 'started');
    expect(started).toMatchObject({ message: 'Attempt 1 started', data: { worker: expect.stringMatching(/^run-one:/) } });
    // Exactly that run: the other one is still queued.
    expect((await getRun(db.pool, other.id))!.status).toBe('queued');
  });

  it('refuses a run that is not queued, with exit code 3, and changes nothing', async () => {
    const { id } = await sleepRun();
    await runOne(testConfig(db), { runId: id }, { log });
    const before = await getRun(db.pool, id);
    expect(await runOne(testConfig(db), { runId: id }, { log })).toEqual({ status: 'succeeded', exitCode: 3 });
    expect((await getRun(db.pool, id))!.attempts).toBe(before!.attempts);
  });

  it("adopts a dispatcher's claim and writes under its fence; a stale claim is refused", async () => {
    const { id } = await sleepRun();
    const claimed = await claimRunById(db.pool, { id, workerId: 'dispatcher-1', kinds: ['sleep'], leaseMs: 30_000 });
    expect(await runOne(testConfig(db), { runId: id, claim: { attempt: claimed!.attempt + 1, leaseOwner: 'dispatcher-1' } }, { log })).toEqual({ status: 'running', exitCode: 3 });
    expect(await runOne(testConfig(db), { runId: id, claim: { attempt: claimed!.attempt, leaseOwner: 'someone-else' } }, { log })).toEqual({ status: 'running', exitCode: 3 });
    expect(await getRunItems(db.pool, id)).toEqual([]);

    const result = await runOne(testConfig(db), { runId: id, claim: { attempt: claimed!.attempt, leaseOwner: 'dispatcher-1' } }, { log });
    expect(result).toEqual({ status: 'succeeded', exitCode: 0 });
    const run = await getRun(db.pool, id);
    expect(run).toMatchObject({ attempts: 1, leaseOwner: 'dispatcher-1' });
    expect((await getRunItems(db.pool, id))).toHaveLength(3);
  });

  it('puts the run back in the queue, items kept, when stopped by its signal', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 60_000, steps: 3, items: true } });
    const stop = new AbortController();
    const running = runOne(testConfig(db), { runId: id }, { log, signal: stop.signal });
    // Wait for the claim (the run is running), then stop it.
    for (;;) {
      if ((await getRun(db.pool, id))!.status === 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    stop.abort();
    expect(await running).toEqual({ status: 'queued', exitCode: 1 });
  });
});
