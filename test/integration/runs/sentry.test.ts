/**
 * A run that fails for good is reported from the worker process to Sentry (through the real @sentry/node
 * transport, to a fake ingest endpoint); a retryable failure that later succeeds is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { getRun } from '../../../src/runs/queries.js';
import { startFakeSentry, type FakeSentry } from '../../fakes/sentry.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from './helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
let sentry: FakeSentry;
beforeAll(async () => {
  sentry = await startFakeSentry();
  const w = spawnWorker(db.url, { SENTRY_DSN: sentry.dsn, SENTRY_ENVIRONMENT: 'worker-test', WORKER_RETRY_BASE_MS: '50', WORKER_POLL_MS: '100' });
  workers.push(w);
  await w.ready(db.pool);
});
afterAll(async () => {
  await killAll(workers);
  await sentry.close();
});

const terminal = (id: string) => async () => {
  const run = await getRun(db.pool, id);
  return run && !['queued', 'running'].includes(run.status) ? run : undefined;
};

describe('worker error reporting', () => {
  it('reports a permanently failed run with its kind and id, and not a retried one that succeeded', async () => {
    const retried = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { ms: 0, steps: 1, fail: 'retryable', failUntilAttempt: 1 } });
    expect(await waitFor(terminal(retried.id), { what: 'the retried run' })).toMatchObject({ status: 'succeeded' });
    const broken = await enqueueRun(db.pool, { kind: 'sleep', ownerId: null, payload: { fail: 'permanent', message: 'No such problem in the bank' } });
    expect(await waitFor(terminal(broken.id), { what: 'the broken run' })).toMatchObject({ status: 'failed' });

    const event = await waitFor(async () => sentry.events.find((e) => JSON.stringify(e).includes('No such problem in the bank')), {
      what: 'the Sentry event',
    });
    expect(event).toMatchObject({ environment: 'worker-test', tags: { process_group: 'worker', runKind: 'sleep', runId: broken.id, code: 'broken' } });
    expect(sentry.events.filter((e) => JSON.stringify(e).includes('Failing on purpose'))).toHaveLength(0);
  }, 180_000);
});
