/**
 * How fast the run page reads one run's events (src/runs/queries.ts) with a given index on run_events, over a table
 * laid out as the queue writes it. Not part of bench:queue; see docs/performance.md, "Run queue".
 * Layout: EVENTS_RUNS runs (default 34,000: ~100k events) enqueued in bursts of 2,000 (their `queued` events
 * together), each run's `started` event in run-id order and its terminal event a little later (0-300 runs later;
 * LONG_PCT % of runs, default 2, finish up to 5,000 runs later: long runs and retries widen the BRIN ranges).
 * Run: npx tsx test/bench/queue/explain-events.ts ['<index DDL>' ...]   (default: the migrations' own index)
 */
import { freshMigratedDatabase } from './common.js';

const runs = Number(process.env.EVENTS_RUNS ?? 34_000);
const longPct = Number(process.env.LONG_PCT ?? 2);
const db = await freshMigratedDatabase('bench_events');
const { pool } = db;
await pool.query(`ALTER TABLE run_events SET (autovacuum_enabled = off)`);
const indexes = async () =>
  (await pool.query(`SELECT indexdef FROM pg_indexes WHERE tablename = 'run_events'`)).rows.map((r) => r.indexdef);

const variants = process.argv.slice(2);
for (const ddl of variants.length ? variants : [null]) {
  await pool.query('TRUNCATE run_events');
  if (ddl) {
    for (const { indexname } of (await pool.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'run_events'`)).rows)
      await pool.query(`DROP INDEX ${indexname}`);
    await pool.query(ddl);
  }
  // Events in the order the queue writes them (ordered by a simulated time), inserted in chunks like the batches.
  await pool.query(
    `INSERT INTO run_events (run_id, type, attempt, message, data)
     SELECT run_id, type, attempt, message, data FROM (
       SELECT id AS run_id, 'queued' AS type, NULL::int AS attempt, 'Queued' AS message, NULL::jsonb AS data,
         (id / 2000) * 2000 - 0.5 AS t FROM generate_series(1, $1::int) id
       UNION ALL
       SELECT id, 'started', 1, 'Attempt 1 started', jsonb_build_object('worker', 'host-1234-abcdef'), id FROM generate_series(1, $1::int) id
       UNION ALL
       SELECT id, 'succeeded', 1, 'Succeeded', NULL,
         id + CASE WHEN random() * 100 < $2 THEN random() * 5000 ELSE random() * 300 END FROM generate_series(1, $1::int) id
     ) e ORDER BY t`,
    [runs, longPct],
  );
  const size = (await pool.query(`SELECT count(*)::int n, pg_relation_size('run_events') / 8192 pages FROM run_events`)).rows[0];
  const sample = [Math.floor(runs / 2), Math.floor(runs * 0.9), 17];
  const explain = async (label: string) => {
    for (const id of sample) {
      const plan = (await pool.query(
        `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON)
         SELECT id::text AS id, at, type, attempt, message, data FROM run_events WHERE run_id = $1 ORDER BY run_events.id`,
        [id],
      )).rows.map((r) => r['QUERY PLAN'] as string);
      const exec = plan.find((l) => l.startsWith('Execution Time'));
      const buffers = plan.find((l) => l.includes('Buffers'))?.trim();
      const recheck = plan.find((l) => l.includes('Rows Removed by Index Recheck'))?.trim();
      console.log(`  ${label} run ${id}: ${exec}; ${buffers}; ${recheck ?? ''}`);
    }
  };
  console.log(`${(await indexes()).join('; ')}\n  ${size.n} events, ${size.pages} pages`);
  await pool.query('ANALYZE run_events');
  await explain('not vacuumed');
  await pool.query('VACUUM run_events');
  await explain('vacuumed');
}
await db.close();
