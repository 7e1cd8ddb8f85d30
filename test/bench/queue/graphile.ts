/** graphile-worker in the benchmark: its own schema in its own database, perfTest settings (graphile-child.ts). */
import pg from 'pg';
import './graphile-quiet.js';
import { run, runMigrations } from 'graphile-worker';
import { burnDown, crashScenario, createItemTables, JOBS, percentiles, SAMPLES, spawnTs, STEP_MS, STEPS, tableProbe, type CrashResult, type LatencyStats } from './common.js';

/** perfTest runs 4 processes on its (larger) machines; this machine has 2 cores, so 2. */
export const GRAPHILE_PROCESSES = 2;

export async function setupGraphile(url: string): Promise<void> {
  await runMigrations({ connectionString: url, logger: undefined });
}

export async function graphileThroughput(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Each round starts from an empty table (as ours does with TRUNCATE), not one full of the last round's dead rows.
  await pool.query('TRUNCATE graphile_worker._private_jobs');
  const workers = Array.from({ length: GRAPHILE_PROCESSES }, () => spawnTs('graphile-child.ts', { DATABASE_URL: url }));
  try {
    await Promise.all(workers.map((w) => w.printed('ready')));
    await pool.query(
      `SELECT count(*) FROM graphile_worker.add_jobs(
         (SELECT array_agg(json_populate_record(null::graphile_worker.job_spec,
                   json_build_object('identifier', 'noop', 'payload', json_build_object('i', i))))
          FROM generate_series(1, $1::int) i))`,
      [JOBS],
    );
    const seconds = await burnDown(async () => (await pool.query('SELECT 1 FROM graphile_worker._private_jobs LIMIT 1')).rowCount! > 0);
    return JOBS / seconds;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}

/** As graphile-worker's perfTest/latencyTest.js: one in-process runner, concurrency 1, add_job per sample. */
export async function graphileLatency(url: string): Promise<LatencyStats> {
  const started = new Map<number, (t: bigint) => void>();
  const runner = await run({
    connectionString: url,
    concurrency: 1,
    noHandleSignals: true,
    taskList: {
      latency: async (payload) => {
        const t = process.hrtime.bigint();
        started.get((payload as { id: number }).id)?.(t);
      },
    },
  });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sample = async (id: number) => {
    const handlerStart = new Promise<bigint>((r) => started.set(id, r));
    const t0 = process.hrtime.bigint();
    await client.query(`SELECT graphile_worker.add_job('latency', json_build_object('id', $1::int))`, [id]);
    const t1 = await handlerStart;
    started.delete(id);
    return Number(t1 - t0) / 1e6;
  };
  try {
    for (let i = 0; i < 100; i++) await sample(-1 - i);
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) latencies.push(await sample(i));
    return percentiles(latencies);
  } finally {
    await client.end();
    await runner.stop();
  }
}

export async function graphileCrash(url: string): Promise<CrashResult> {
  await createItemTables(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query('DELETE FROM graphile_worker._private_jobs');
  const workers = [spawnTs('graphile-child.ts', { DATABASE_URL: url }), spawnTs('graphile-child.ts', { DATABASE_URL: url })];
  try {
    await Promise.all(workers.map((w) => w.printed('ready')));
    await pool.query(`SELECT graphile_worker.add_job('crash', json_build_object('steps', $1::int, 'stepMs', $2::int))`, [STEPS, STEP_MS]);
    return await crashScenario(workers, tableProbe(pool));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}
