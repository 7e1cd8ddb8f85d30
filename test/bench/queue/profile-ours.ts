/**
 * Profiling aid for the run queue's burn-down (not part of bench:queue; see docs/performance.md, "Run queue").
 * Starts a Postgres and BENCH_OURS_PROCESSES real worker processes, bulk-enqueues BENCH_JOBS no-op runs, and times
 * the burn-down like bench:queue does. Then prints the CPU seconds the workers and each Postgres session used
 * (from /proc: Linux only), and the batch sizes achieved (runs claimed by one statement share started_at, runs
 * completed by one statement share finished_at).
 * Env: BENCH_JOBS, BENCH_OURS_PROCESSES (2), BENCH_OURS_CONCURRENCY (128);
 *   PROFILE_SAMPLE=1  sample pg_stat_activity every ~2 ms (what each session waits on; costs some Postgres CPU);
 *   PROFILE_QUERIES=1 load time-queries.mjs into the workers (client-side statement times, event-loop use);
 *   PROFILE_CPU=<dir> write V8 CPU profiles of the workers there;
 *   WORKER_JS=<path>  another build of worker/main.js (for A/B runs of two builds in one sitting);
 *   PROFILE_PERF=<file> record `perf record -a -g` (Linux perf, as root) over the burn-down alone, into that file.
 * Run: node scripts/build.mjs && npx tsx test/bench/queue/profile-ours.ts
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../../src/paths.js';
import { enqueueRuns } from '../../../src/runs/enqueue.js';
import { burnDown, cpuOf, freshMigratedDatabase, JOBS, spawnChild, waitFor } from './common.js';

const env = process.env;
const procs = Number(env.BENCH_OURS_PROCESSES ?? 2);
const db = await freshMigratedDatabase('bench_profile', 3);
const { url, pool } = db;

const nodeArgs = [
  ...(env.PROFILE_QUERIES ? ['--import', join(projectRoot, 'test', 'bench', 'queue', 'time-queries.mjs')] : []),
  ...(env.PROFILE_CPU ? ['--cpu-prof', `--cpu-prof-dir=${env.PROFILE_CPU}`] : []),
  env.WORKER_JS ?? join(projectRoot, 'dist', 'worker', 'main.js'),
];
const workers = Array.from({ length: procs }, () =>
  spawnChild(nodeArgs, { DATABASE_URL: url, LOG_LEVEL: 'info', WORKER_CONCURRENCY: env.BENCH_OURS_CONCURRENCY ?? '128', ...(env.WORKER_NODE_OPTIONS ? { NODE_OPTIONS: env.WORKER_NODE_OPTIONS } : {}) }),
);
await waitFor(async () => (await pool.query('SELECT count(*)::int AS n FROM worker_heartbeats')).rows[0].n >= procs, 30_000);
await Promise.all(workers.map((w) => w.printed('grader pool warm', 60_000))); // see ours.ts: ready()
// perf over the whole script would mostly record the workers' Pyodide boot: it is started here and stopped at the end.
const perf = env.PROFILE_PERF ? spawn('perf', ['record', '-F', '1999', '-a', '-g', '-o', env.PROFILE_PERF], { stdio: 'ignore' }) : null;
if (perf) await new Promise((r) => setTimeout(r, 500)); // perf needs a moment before it records
await enqueueRuns(pool, Array.from({ length: JOBS }, (_, i) => ({ kind: 'noop', ownerId: null, payload: { i } })));

const snapshot = async () => {
  const { rows } = await pool.query(`SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS app FROM pg_stat_activity`);
  const sessions = new Map<string, number>(rows.map((r) => [`${r.pid} ${r.app}`, cpuOf(r.pid)]));
  return { sessions, workers: workers.reduce((a, w) => a + cpuOf(w.proc.pid!), 0) };
};

const waits = new Map<string, number>();
let sampling = Boolean(env.PROFILE_SAMPLE);
const sampler = (async () => {
  if (!sampling) return;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  while (sampling) {
    const { rows } = await c.query(
      `SELECT application_name app, coalesce(wait_event_type || ':' || wait_event, 'CPU') w, left(regexp_replace(query, '\\s+', ' ', 'g'), 40) q
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
    );
    for (const r of rows) waits.set(`${r.app} | ${r.w} | ${r.q}`, (waits.get(`${r.app} | ${r.w} | ${r.q}`) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 2));
  }
  await c.end();
})();

const sysCpu = () => { const f = readFileSync('/proc/stat','utf8').split('\n')[0].split(/\s+/).slice(1).map(Number); return { busy: (f[0]+f[1]+f[2]+f[5]+f[6]) / 100, idle: (f[3]+f[4]) / 100 }; };
const allProcs = () => { const m = new Map<string, number>(); for (const d of readdirSync('/proc')) { if (!/^\d+$/.test(d)) continue; try { const raw = readFileSync(`/proc/${d}/stat`, 'utf8'); const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')); const f = raw.slice(raw.lastIndexOf(') ') + 2).split(' '); m.set(`${d} ${name}`, (Number(f[11]) + Number(f[12])) / 100); } catch {} } return m; };
const procs0 = allProcs();
const sys0 = sysCpu();
const before = await snapshot();
const seconds = await burnDown(async () => (await pool.query(`SELECT 1 FROM runs WHERE status IN ('queued', 'running') LIMIT 1`)).rowCount! > 0);
const after = await snapshot();
if (perf) {
  perf.kill('SIGINT');
  await new Promise((r) => perf.once('exit', r));
}
const sys1 = sysCpu();
const procs1 = allProcs();
console.log('  processes:', [...procs1].map(([k, v]) => [k, v - (procs0.get(k) ?? 0)] as const).filter(([, v]) => v >= 0.02).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(', '));
console.log(`  machine CPU s during the burn-down: busy ${(sys1.busy - sys0.busy).toFixed(2)}, idle ${(sys1.idle - sys0.idle).toFixed(2)}`);
sampling = false;
await sampler;

const byApp = new Map<string, number>();
for (const [k, v] of after.sessions) {
  const app = k.slice(k.indexOf(' ') + 1);
  byApp.set(app, (byApp.get(app) ?? 0) + v - (before.sessions.get(k) ?? 0));
}
const pgTotal = [...byApp.values()].reduce((a, b) => a + b, 0);
console.log(`ours: ${(JOBS / seconds).toFixed(0)} jobs/s (${seconds.toFixed(2)} s); CPU s: workers ${(after.workers - before.workers).toFixed(2)}, Postgres sessions ${pgTotal.toFixed(2)}`);
console.log(`  Postgres CPU s by application: ${JSON.stringify(Object.fromEntries([...byApp].filter(([, v]) => v >= 0.005).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);
for (const [k, n] of [...waits].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(String(n).padStart(6), k);
const batches = async (col: string) =>
  (await pool.query(`SELECT count(*)::int AS statements, round(avg(n), 1)::float AS avg, max(n)::int AS max FROM (SELECT count(*) n FROM runs GROUP BY lease_owner, ${col}) x`)).rows[0];
console.log(`  claims: ${JSON.stringify(await batches('started_at'))}; completions: ${JSON.stringify(await batches('finished_at'))}`);
console.log('  window:', JSON.stringify((await pool.query(`SELECT extract(epoch FROM min(started_at) - min(created_at))*1000 AS wake_ms, extract(epoch FROM max(finished_at) - min(started_at))*1000 AS work_ms FROM runs`)).rows[0]));
await Promise.all(workers.map((w) => w.stop()));
if (env.PROFILE_QUERIES) for (const w of workers) console.log(w.output().split('\n').filter((l) => l.startsWith('[pid') || l.startsWith('  ')).join('\n'));
await db.close();
