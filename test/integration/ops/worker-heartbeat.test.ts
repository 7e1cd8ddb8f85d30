/**
 * The real worker runtime (in this process) writes its grader pool's counts with every heartbeat, where /admin/ops
 * reads them (listWorkers), and its claim loop's tick moves on while it polls: what the health endpoint watches.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { listWorkers } from '../../../src/runs/queries.js';
import { createRegistry } from '../../../worker/handlers/index.js';
import { startWorker, type RunningWorker } from '../../../worker/runtime.js';
import { useTestDatabase } from '../../helpers/db.js';
import { waitFor } from '../runs/helpers.js';

const db = useTestDatabase();
let worker: RunningWorker;
let stats = { warm: 1, busy: 0, queued: 0 };

beforeAll(async () => {
  const config = loadConfig({ DATABASE_URL: db.url, WORKER_POLL_MS: '100' });
  const registry = createRegistry([{ kind: 'noop', handle: async () => null }]);
  worker = await startWorker({
    pool: db.pool,
    databaseUrl: db.url,
    config: config.worker,
    registry,
    log: pino({ level: 'silent' }),
    version: 'test',
    graderStats: () => stats,
  });
});

afterAll(async () => {
  await worker?.shutdown();
});

const graderOnRow = async () => (await listWorkers(db.pool, 60)).find((w) => w.workerId === worker.workerId)?.grader;

describe('worker heartbeat', () => {
  it("carries the grader pool's counts, and follows them as they change", async () => {
    expect(await waitFor(graderOnRow, { what: 'first heartbeat with grader stats' })).toEqual({ warm: 1, busy: 0, queued: 0 });
    stats = { warm: 2, busy: 1, queued: 3 };
    await waitFor(async () => (await graderOnRow())?.queued === 3, { what: 'heartbeat with the new counts' });
    expect(await graderOnRow()).toEqual({ warm: 2, busy: 1, queued: 3 });
  });

  it('ticks its claim loop while it polls', async () => {
    const first = worker.lastTickAt();
    await waitFor(async () => worker.lastTickAt() > first, { what: 'a later tick' });
  });
});
