/**
 * Errors: a retryable one comes back with a growing delay (computed in SQL), a permanent one fails at once with
 * its message, and running out of attempts fails the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun, getRunEvents } from '../../../src/runs/queries.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from './helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  const w = spawnWorker(db.url, { WORKER_RETRY_BASE_MS: '300', WORKER_RETRY_MAX_MS: '10000', WORKER_POLL_MS: '100' });
  workers.push(w);
  await w.ready(db.pool);
});
afterAll(() => killAll(workers));

const terminal = (id: string) => async () => {
  const run = await getRun(db.pool, id);
  return run && !['queued', 'running'].includes(run.status) ? run : undefined;
};

describe('retries', () => {
  it('retries a retryable error with a growing delay, then succeeds', async () => {
    const { id } = await enqueueRun(db.pool, {
      kind: 'sleep',
      ownerId: null,
      payload: { ms: 0, steps: 1, fail: 'retryable', failUntilAttempt: 3 },
      maxAttempts: 5,
    });
    const run = await waitFor(terminal(id), { what: 'the run to finish' });
    expect(run).toMatchObject({ status: 'succeeded', attempts: 4, error: null });
    const events = await getRunEvents(db.pool, id);
    expect(events.map((e) => `${e.type}:${e.attempt ?? ''}`)).toEqual([
      'queued:', 'started:1', 'retry:1', 'started:2', 'retry:2', 'started:3', 'retry:3', 'started:4', 'succeeded:4',
    ]);
    const retries = events.filter((e) => e.type === 'retry');
    const delays = retries.map((e) => (e.data as { delay_ms: number }).delay_ms);
    // base * 2^(n-1) scaled by [0.5, 1]: 150-300, 300-600, 600-1200 ms.
    expect(delays[0]).toBeGreaterThanOrEqual(150);
    expect(delays[0]).toBeLessThanOrEqual(delays[1]!);
    expect(delays[1]).toBeLessThanOrEqual(delays[2]!);
    expect(delays[2]).toBeGreaterThan(delays[0]!);
    expect(retries[0]!.message).toMatch(/Attempt 1 failed: Failing on purpose \(attempt 1\)\. Retrying in/);
    // The delay is real: each next attempt started no earlier than its retry time.
    const started = events.filter((e) => e.type === 'started').slice(1);
    retries.forEach((r, i) => expect(started[i]!.at.getTime() - r.at.getTime()).toBeGreaterThanOrEqual(delays[i]! - 5));
  }, 180_000);

  it('fails a permanent error at once with its message', async () => {
    const { id } = await enqueueRun(db.pool, {
      kind: 'sleep',
      ownerId: null,
      payload: { fail: 'permanent', message: 'The payload names no problem' },
      maxAttempts: 5,
    });
    const run = await waitFor(terminal(id), { what: 'the run to fail' });
    expect(run).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'broken', message: 'The payload names no problem' } });
  });

  it('fails a run whose attempts are exhausted, keeping the last error', async () => {
    const { id } = await enqueueRun(db.pool, {
      kind: 'sleep',
      ownerId: null,
      payload: { fail: 'retryable', message: 'Upstream overloaded' },
      maxAttempts: 2,
    });
    const run = await waitFor(terminal(id), { what: 'the run to give up' });
    expect(run).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: { code: 'attempts_exhausted', message: 'Gave up after 2 attempts. Last error: Upstream overloaded' },
    });
    const types = (await getRunEvents(db.pool, id)).map((e) => e.type);
    expect(types).toEqual(['queued', 'started', 'retry', 'started', 'failed']);
  });
});
