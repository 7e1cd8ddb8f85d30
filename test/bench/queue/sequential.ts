/**
 * Profiling aid (not part of bench:queue): the queue's statements alone. A 20,000-run backlog is claimed 128 at a
 * time on one session and completed 256 at a time on another, through the real claimRuns / completeRuns, with no
 * worker process and nothing else running: each round reports the Postgres CPU of the two sessions (from /proc),
 * which varies far less between runs than a burn-down's wall time. That makes it the tool for comparing two
 * versions of a statement or of the schema: run it on each build (a git worktree) in turn, a few times.
 * Env: SEQ_ROUNDS (5; the first is a warm-up and not counted), BENCH_JOBS (20000);
 *   SEQ_PERF=<prefix> record `perf record --call-graph dwarf` of the two sessions over each counted round into
 *   <prefix>.<round> (Linux perf, as root; `perf report --children --sort sym` shows where Postgres spends it).
 * Run: npx tsx test/bench/queue/sequential.ts
 */
import { spawn } from 'node:child_process';
import { enqueueRuns } from '../../../src/runs/enqueue.js';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { completeRuns, type Completion } from '../../../src/runs/completion-queries.js';
import { cpuOf, freshMigratedDatabase, JOBS, median } from './common.js';

const ROUNDS = Number(process.env.SEQ_ROUNDS ?? 5);

const db = await freshMigratedDatabase('bench_sequential', 3);
const { pool } = db;
const claimer = await pool.connect();
const completer = await pool.connect();
await claimer.query('SET enable_bitmapscan = off; SET enable_sort = off; SET synchronous_commit = off'); // as runtime.ts
const pidOf = async (c: typeof claimer) => (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
const [claimPid, completePid] = [await pidOf(claimer), await pidOf(completer)];
const rows: { wall: number; claim: number; complete: number }[] = [];

for (let round = 0; round < ROUNDS; round++) {
  await pool.query('TRUNCATE runs, run_events CASCADE');
  await enqueueRuns(pool, Array.from({ length: JOBS }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));
  await pool.query('CHECKPOINT');
  const perf = process.env.SEQ_PERF && round > 0
    ? spawn('perf', ['record', '--call-graph', 'dwarf,16384', '-F', '2000', '-o', `${process.env.SEQ_PERF}.${round}`, '-p', `${claimPid},${completePid}`], { stdio: 'ignore' })
    : null;
  if (perf) await new Promise((r) => setTimeout(r, 500)); // perf needs a moment before it records
  const [claim0, complete0, t0] = [cpuOf(claimPid), cpuOf(completePid), performance.now()];
  let pending: Completion[] = [];
  const flush = async () => {
    const lost = await completeRuns(completer, 'w1', pending);
    if (lost.length > 0) throw new Error(`${lost.length} completions lost`);
    pending = [];
  };
  for (;;) {
    const runs = await claimRuns(claimer, { workerId: 'w1', kinds: ['noop'], limit: 128, leaseMs: 30_000 });
    if (runs.length === 0) break;
    // As the executor sends a no-op run: first attempt, nothing recorded, nothing returned.
    for (const r of runs) pending.push({ id: r.id, attempt: r.attempt, result: null, expectsItems: false, inconclusiveReason: null, noItems: true });
    if (pending.length >= 256) await flush();
  }
  if (pending.length > 0) await flush();
  const row = { wall: performance.now() - t0, claim: cpuOf(claimPid) - claim0, complete: cpuOf(completePid) - complete0 };
  if (perf) {
    perf.kill('SIGINT');
    await new Promise((r) => perf.once('exit', r));
  }
  const left = (await pool.query(`SELECT count(*)::int AS n FROM runs WHERE status <> 'succeeded'`)).rows[0].n;
  if (left !== 0) throw new Error(`${left} runs did not succeed`);
  console.log(`round ${round}${round === 0 ? ' (warm-up)' : ''}: ${row.wall.toFixed(0)} ms; Postgres CPU s: claim ${row.claim.toFixed(2)}, complete ${row.complete.toFixed(2)}`);
  if (round > 0) rows.push(row);
}
console.log(
  `median of ${rows.length}: ${median(rows.map((r) => r.wall)).toFixed(0)} ms; Postgres CPU s: claim ${median(rows.map((r) => r.claim)).toFixed(2)}, ` +
    `complete ${median(rows.map((r) => r.complete)).toFixed(2)}, both ${median(rows.map((r) => r.claim + r.complete)).toFixed(2)}`,
);
claimer.release();
completer.release();
await db.close();
