/** pg-boss in the benchmark: its own schema in its own database (pgboss-child.ts holds the tuning). */
import pg from 'pg';
import PgBoss from 'pg-boss';
import { burnDown, crashScenario, createItemTables, JOBS, percentiles, SAMPLES, spawnTs, STEP_MS, STEPS, tableProbe, type CrashResult, type LatencyStats } from './common.js';

export const PGBOSS_PROCESSES = 2;
export const PGBOSS_WORKERS = Number(process.env.PGBOSS_WORKERS ?? 4);
export const PGBOSS_BATCH = Number(process.env.PGBOSS_BATCH ?? 100);

export async function setupPgBoss(url: string): Promise<void> {
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false });
  await boss.start();
  for (const q of ['noop', 'latency', 'crash']) await boss.createQueue(q);
  await boss.stop({ graceful: false, wait: true });
}

export async function pgbossThroughput(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const env = { DATABASE_URL: url, BENCH_MODE: 'throughput', PGBOSS_WORKERS: String(PGBOSS_WORKERS), PGBOSS_BATCH: String(PGBOSS_BATCH) };
  // pg-boss keeps completed jobs: each round starts without the last round's.
  await pool.query(`DELETE FROM pgboss.job WHERE name = 'noop'`);
  const workers = Array.from({ length: PGBOSS_PROCESSES }, () => spawnTs('pgboss-child.ts', env));
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 2 });
  try {
    await Promise.all(workers.map((w) => w.printed('ready')));
    await boss.start();
    await boss.insert(Array.from({ length: JOBS }, (_, i) => ({ name: 'noop', data: { i } })));
    await pool.query('NOTIFY bench_pgboss');
    const seconds = await burnDown(
      async () => (await pool.query(`SELECT 1 FROM pgboss.job WHERE name = 'noop' AND state < 'completed' LIMIT 1`)).rowCount! > 0,
    );
    return JOBS / seconds;
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}

export async function pgbossLatency(url: string): Promise<LatencyStats> {
  const started = new Map<number, (t: bigint) => void>();
  const boss = new PgBoss({ connectionString: url, max: 4 });
  await boss.start();
  const workerId = await boss.work<{ id: number }>('latency', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    const t = process.hrtime.bigint();
    started.get(job!.data.id)?.(t);
  });
  const listener = new pg.Client({ connectionString: url });
  await listener.connect();
  listener.on('notification', () => boss.notifyWorker(workerId));
  await listener.query('LISTEN bench_pgboss');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const sample = async (id: number) => {
    const handlerStart = new Promise<bigint>((r) => started.set(id, r));
    const t0 = process.hrtime.bigint();
    await boss.send('latency', { id });
    await client.query('NOTIFY bench_pgboss');
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
    await boss.stop({ graceful: false, wait: true });
    await listener.end();
    await client.end();
  }
}

export async function pgbossCrash(url: string): Promise<CrashResult> {
  await createItemTables(url);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const workers = [0, 1].map(() => spawnTs('pgboss-child.ts', { DATABASE_URL: url, BENCH_MODE: 'crash' }));
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 2 });
  try {
    await Promise.all(workers.map((w) => w.printed('ready')));
    await boss.start();
    // Expiry set to our default lease (30 s), like for like; pg-boss's own default is 15 minutes.
    await boss.send('crash', { steps: STEPS, stepMs: STEP_MS }, { expireInSeconds: 30 });
    await pool.query('NOTIFY bench_pgboss');
    return await crashScenario(workers, tableProbe(pool));
  } finally {
    await boss.stop({ graceful: false, wait: true });
    await Promise.all(workers.map((w) => w.stop()));
    await pool.end();
  }
}
