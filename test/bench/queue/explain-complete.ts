/**
 * Profiling aid (not part of bench:queue): times completeRuns on 500-run batches over a 20,000-run backlog, before
 * and after ANALYZE (autovacuum analyzes mid burn-down, and the statement's plan must not depend on it), and
 * prints the plan of the last batch as a prepared statement's generic plan would run it.
 * Run: npx tsx test/bench/queue/explain-complete.ts
 */
import pg from 'pg';
import { enqueueRuns } from '../../../src/runs/enqueue.js';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { completeRuns } from '../../../src/runs/completion-queries.js';
import { freshMigratedDatabase } from './common.js';

const db = await freshMigratedDatabase('bench_explain');
const { pool } = db;
await pool.query('ALTER TABLE runs SET (autovacuum_enabled = off)'); // ANALYZE at a known point instead
await enqueueRuns(pool, Array.from({ length: 20_000 }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));
const c = await pool.connect();
await c.query('SET enable_bitmapscan = off; SET enable_sort = off'); // as the worker's claim session
const times: string[] = [];
for (let i = 0; i < 16; i++) {
  if (i === 4) await c.query('ANALYZE runs');
  const runs = await claimRuns(c, { workerId: 'w1', kinds: ['noop'], limit: 500, leaseMs: 30_000 });
  const done = runs.map((r) => ({ id: r.id, attempt: r.attempt, result: null, expectsItems: false, inconclusiveReason: null }));
  if (i < 15) {
    const t0 = performance.now();
    const lost = await completeRuns(c, 'w1', done);
    times.push((performance.now() - t0).toFixed(1));
    if (lost.length !== 0) throw new Error(`${lost.length} of ${runs.length} not completed`);
    continue;
  }
  // The last batch: EXPLAIN the same statement text with the generic plan forced, as a prepared statement runs it.
  let cfg = { text: '', values: [] as unknown[] };
  const recorder = { query: async (q: typeof cfg) => ((cfg = q), { rows: [{ lost: [] }] }) };
  await completeRuns(recorder as unknown as pg.PoolClient, 'w1', done);
  await c.query('SET plan_cache_mode = force_generic_plan');
  const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${cfg.text}`, cfg.values);
  console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
}
console.log(`completeRuns, 500 runs: ${times.join(' ')} ms (ANALYZE before the 5th)`);
c.release();
await db.close();
