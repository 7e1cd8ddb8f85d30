/**
 * Profiling aid (not part of bench:queue): the claim's plan and timings halfway through a burn-down (20,000 runs
 * enqueued, 10,000 claimed and completed in 128-run batches), as the worker's claim session runs it.
 * Run: npx tsx test/bench/queue/explain-claim.ts
 */
import pg from 'pg';
import { enqueueRuns } from '../../../src/runs/enqueue.js';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { completeRuns } from '../../../src/runs/completion-queries.js';
import { freshMigratedDatabase } from './common.js';

const db = await freshMigratedDatabase('bench_explain_claim');
const { pool } = db;
await enqueueRuns(pool, Array.from({ length: 20_000 }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));
const c = await pool.connect();
await c.query('SET enable_bitmapscan = off; SET enable_sort = off; SET synchronous_commit = off'); // as runtime.ts
const claimMs: number[] = [];
const completeMs: number[] = [];
for (let i = 0; i < 78; i++) {
  let t0 = performance.now();
  const runs = await claimRuns(c, { workerId: 'w1', kinds: ['noop'], limit: 128, leaseMs: 30_000 });
  claimMs.push(performance.now() - t0);
  t0 = performance.now();
  await completeRuns(c, 'w1', runs.map((r) => ({ id: r.id, attempt: r.attempt, result: null, expectsItems: false, inconclusiveReason: null })));
  completeMs.push(performance.now() - t0);
}
const avg = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(2);
console.log(`claim of 128: ${avg(claimMs.slice(10))} ms on average; completion of 128: ${avg(completeMs.slice(10))} ms`);
// The same claim text, EXPLAINed inside a transaction that is rolled back.
let text = '';
let values: unknown[] = [];
const recorder = { query: async (cfg: { text: string; values: unknown[] }) => ((text = cfg.text), (values = cfg.values), { rows: [] }) };
await claimRuns(recorder as unknown as pg.PoolClient, { workerId: 'w1', kinds: ['noop'], limit: 128, leaseMs: 30_000 });
await c.query('BEGIN');
const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) ${text}`, values);
await c.query('ROLLBACK');
console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
c.release();
await db.close();
