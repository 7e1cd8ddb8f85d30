/**
 * A graphile-worker process for the benchmark, configured as graphile-worker's own perfTest preset
 * (24 concurrent jobs, pool of 25, local queue of 500 with a 10 ms refetch delay, completions and failures batched).
 */
import './graphile-quiet.js';
import { run } from 'graphile-worker';
import pg from 'pg';

const url = process.env.DATABASE_URL!;
const pool = new pg.Pool({ connectionString: url, max: 2 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const runner = await run({
  preset: {
    worker: {
      connectionString: url,
      concurrentJobs: 24,
      maxPoolSize: 25,
      localQueue: { size: 500, refetchDelay: { durationMs: 10 } },
      completeJobBatchDelay: 0,
      failJobBatchDelay: 0,
      gracefulShutdownAbortTimeout: 2500,
    },
  },
  noHandleSignals: false,
  logger: undefined,
  taskList: {
    noop: async () => {},
    crash: async (payload) => {
      const { steps, stepMs } = payload as { steps: number; stepMs: number };
      await pool.query('INSERT INTO bench_starts (pid) VALUES ($1)', [process.pid]);
      for (let i = 0; i < steps; i++) {
        await sleep(stepMs);
        await pool.query('INSERT INTO bench_items (item, pid) VALUES ($1, $2)', [i, process.pid]);
      }
    },
  },
});
console.log('ready');
await runner.promise;
await pool.end();
