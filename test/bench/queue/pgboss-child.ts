/**
 * A pg-boss process for the benchmark. pg-boss 10 has no LISTEN/NOTIFY of its own, so "LISTEN/NOTIFY on" is wired
 * the way its API allows: a LISTEN session that calls boss.notifyWorker() when the enqueuer NOTIFYs, and a worker
 * that asks for the next batch at once after a full one (otherwise each worker waits out its 0.5 s poll between
 * batches). Batches of PGBOSS_BATCH, PGBOSS_WORKERS workers per process; maintenance every 10 s so expired jobs
 * are retried promptly in the crash scenario.
 */
import PgBoss from 'pg-boss';
import pg from 'pg';

const url = process.env.DATABASE_URL!;
const mode = process.env.BENCH_MODE ?? 'throughput';
const workers = Number(process.env.PGBOSS_WORKERS ?? 4);
const batchSize = Number(process.env.PGBOSS_BATCH ?? 100);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const boss = new PgBoss({ connectionString: url, max: workers + 4, maintenanceIntervalSeconds: 10 });
boss.on('error', (err) => console.error('pg-boss error', err.message));
await boss.start();
const pool = new pg.Pool({ connectionString: url, max: 2 });
const listener = new pg.Client({ connectionString: url });
await listener.connect();
const ids: string[] = [];
listener.on('notification', () => ids.forEach((id) => boss.notifyWorker(id)));
await listener.query('LISTEN bench_pgboss');

if (mode === 'throughput') {
  for (let i = 0; i < workers; i++) {
    let id: string | undefined;
    id = await boss.work('noop', { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      if (jobs.length === batchSize && id) boss.notifyWorker(id);
    });
    ids.push(id);
  }
} else {
  ids.push(
    await boss.work<{ steps: number; stepMs: number }>('crash', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      await pool.query('INSERT INTO bench_starts (pid) VALUES ($1)', [process.pid]);
      for (let i = 0; i < job!.data.steps; i++) {
        await sleep(job!.data.stepMs);
        await pool.query('INSERT INTO bench_items (item, pid) VALUES ($1, $2)', [i, process.pid]);
      }
    }),
  );
}
console.log('ready');
process.on('SIGTERM', () => {
  void (async () => {
    await boss.stop({ graceful: false, wait: false });
    await listener.end();
    await pool.end();
    process.exit(0);
  })();
});
