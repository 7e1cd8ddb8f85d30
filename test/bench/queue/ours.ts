/**
 * Bench's run queue in the benchmark: the real worker process (dist/worker/main.js) for throughput and crashes, and
 * the same runtime started in-process for closed-loop latency (enqueue and handler in one process, as
 * graphile-worker's own latency test does).
 */
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { migrate } from '../../../src/db/migrate.js';
import { createPool } from '../../../src/db/pool.js';
import { projectRoot } from '../../../src/paths.js';
import { enqueueRun, enqueueRuns } from '../../../src/runs/enqueue.js';
import { createRegistry } from '../../../worker/handlers/index.js';
import { startWorker } from '../../../worker/runtime.js';
import { burnDown, crashScenario, JOBS, percentiles, SAMPLES, spawnChild, STEP_MS, STEPS, waitFor, type Child, type CrashResult, type LatencyStats } from './common.js';

export const OURS_PROCESSES = Number(process.env.BENCH_OURS_PROCESSES ?? 2);
export const OURS_CONCURRENCY = Number(process.env.BENCH_OURS_CONCURRENCY ?? 128);

const workerJs = join(projectRoot, 'dist', 'worker', 'main.js');

function spawnWorkers(url: string, n: number, env: Record<string, string>): Child[] {
  // info, not warn: the benchmark waits for the "grader pool warm" line (the workers log nothing per run at info).
  return Array.from({ length: n }, () => spawnChild([workerJs], { DATABASE_URL: url, LOG_LEVEL: 'info', ...env }));
}

/**
 * Registered and with its grader pool booted: a worker process boots a Pyodide child at start-up (about a
 * CPU-second), and on two cores a boot still under way would take that CPU from the queue being measured.
 */
async function ready(pool: pg.Pool, workers: Child[]): Promise<void> {
  const ok = await waitFor(async () => (await pool.query('SELECT count(*)::int AS n FROM worker_heartbeats')).rows[0].n >= workers.length, 30_000);
  if (!ok) throw new Error('our workers did not register');
  await Promise.all(workers.map((w) => w.printed('grader pool warm', 60_000)));
}

export async function setupOurs(url: string): Promise<void> {
  const pool = createPool(url, { max: 1 });
  await migrate(pool);
  await pool.end();
}

export async function oursThroughput(url: string): Promise<number> {
  const pool = createPool(url, { max: 2 });
  // run_events has no foreign key to runs (0007), so CASCADE does not reach it: named, so each round starts empty.
  await pool.query('TRUNCATE runs, run_events, worker_heartbeats CASCADE');
  const workers = spawnWorkers(url, OURS_PROCESSES, { WORKER_CONCURRENCY: String(OURS_CONCURRENCY) });
  try {
    await ready(pool, workers);
    await enqueueRuns(pool, Array.from({ length: JOBS }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));
    const seconds = await burnDown(async () => (await pool.query(`SELECT 1 FROM runs WHERE status IN ('queued', 'running') LIMIT 1`)).rowCount! > 0);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM runs WHERE status = 'succeeded' AND attempts = 1`);
    if (rows[0].n !== JOBS) throw new Error(`ours: ${rows[0].n} of ${JOBS} runs succeeded on the first attempt`);
    return JOBS / seconds;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}

export async function oursLatency(url: string): Promise<LatencyStats> {
  const config = loadConfig({ DATABASE_URL: url, WORKER_CONCURRENCY: '1', LOG_LEVEL: 'silent' });
  const workerPool = createPool(url, { max: 4 });
  const clientPool = createPool(url, { max: 1 });
  await clientPool.query('TRUNCATE runs, run_events, worker_heartbeats CASCADE');
  const started = new Map<number, (t: bigint) => void>();
  const registry = createRegistry([
    {
      kind: 'latency',
      async handle(payload) {
        const t = process.hrtime.bigint();
        started.get((payload as { id: number }).id)?.(t);
        return null;
      },
    },
  ]);
  const worker = await startWorker({ pool: workerPool, databaseUrl: url, config: config.worker, registry, log: pino({ level: 'silent' }), version: 'bench' });
  const sample = async (id: number): Promise<number> => {
    const handlerStart = new Promise<bigint>((r) => started.set(id, r));
    const t0 = process.hrtime.bigint();
    await enqueueRun(clientPool, { kind: 'latency', ownerId: null, payload: { id } });
    const t1 = await handlerStart;
    started.delete(id);
    return Number(t1 - t0) / 1e6;
  };
  try {
    for (let i = 0; i < 100; i++) await sample(-1 - i); // warm-up
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) latencies.push(await sample(i));
    return percentiles(latencies);
  } finally {
    await worker.shutdown();
    await workerPool.end();
    await clientPool.end();
  }
}

/** `signal` SIGKILL: a crashed process. SIGSTOP: a stuck one, which only the lease can catch. */
export async function oursCrash(url: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<CrashResult> {
  const pool = createPool(url, { max: 2 });
  await pool.query('TRUNCATE runs, run_events, worker_heartbeats CASCADE');
  const workers = spawnWorkers(url, 2, { WORKER_CONCURRENCY: '1' }); // default lease: WORKER_LEASE_MS unset
  try {
    await ready(pool, workers);
    const { id } = await enqueueRun(pool, { kind: 'sleep', ownerId: null, payload: { ms: STEPS * STEP_MS, steps: STEPS, items: true } });
    return await crashScenario(
      workers,
      {
        async holder(min) {
          const { rows } = await pool.query(
            `SELECT w.pid FROM runs r JOIN worker_heartbeats w ON w.worker_id = r.lease_owner
             WHERE r.id = $1 AND r.status = 'running' AND (SELECT count(*) FROM run_items i WHERE i.run_id = r.id) >= $2`,
            [id, min],
          );
          return rows[0]?.pid ?? null;
        },
        async starts() {
          return (await pool.query(`SELECT count(*)::int AS n FROM run_events WHERE run_id = $1 AND type = 'started'`, [id])).rows[0].n;
        },
        async items() {
          const { rows } = await pool.query(
            'SELECT coalesce(sum(writes), 0)::int AS rows, count(*)::int AS distinct FROM run_items WHERE run_id = $1',
            [id],
          );
          return rows[0];
        },
      },
      signal,
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}
