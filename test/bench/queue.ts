/**
 * `npm run bench:queue`: Bench's run queue against graphile-worker and pg-boss on one Postgres and this machine,
 * one system at a time, each in its own database:
 *   1. burn-down throughput of JOBS no-op jobs bulk-inserted in one statement (jobs/s);
 *   2. closed-loop latency, SAMPLES sequential enqueue -> handler start (ms);
 *   3. crash recovery: two workers, SIGKILL the one holding a job, time until it starts again, lost/duplicated items.
 * Throughput is measured in BENCH_ROUNDS rounds (default 3) that alternate between the systems, and each system's
 * figure is its median round: on a shared 2-core machine one burn-down of the same code varies by +-20 %, more
 * than the differences being measured, and alternating spreads slow spells over every system alike. Each round
 * starts after a checkpoint, with no autovacuum left over from the round before (quiesce()).
 * Prints a table, then one JSON line. Options: --only=ours,graphile,pgboss  --skip=throughput,latency,crash,stuck
 * Env: BENCH_DATABASE_URL (a superuser URL; default: an embedded Postgres), BENCH_JOBS, BENCH_SAMPLES, BENCH_CAP_S,
 * BENCH_ROUNDS.
 */
import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/paths.js';
import { startTestPostgres } from '../helpers/postgres-server.js';
import { JOBS, median, RECOVERY_CAP_S, SAMPLES, type CrashResult, type LatencyStats } from './queue/common.js';
import { GRAPHILE_PROCESSES, graphileCrash, graphileLatency, graphileThroughput, setupGraphile } from './queue/graphile.js';
import { OURS_CONCURRENCY, OURS_PROCESSES, oursCrash, oursLatency, oursThroughput, setupOurs } from './queue/ours.js';
import { PGBOSS_BATCH, PGBOSS_PROCESSES, PGBOSS_WORKERS, pgbossCrash, pgbossLatency, pgbossThroughput, setupPgBoss } from './queue/pgboss.js';

interface System {
  key: 'ours' | 'graphile' | 'pgboss';
  label: string;
  setup(url: string): Promise<void>;
  throughput(url: string): Promise<number>;
  latency(url: string): Promise<LatencyStats>;
  crash(url: string): Promise<CrashResult>;
}

const systems: System[] = [
  { key: 'ours', label: `Bench runs (${OURS_PROCESSES} proc x ${OURS_CONCURRENCY})`, setup: setupOurs, throughput: oursThroughput, latency: oursLatency, crash: (u) => oursCrash(u) },
  { key: 'graphile', label: `graphile-worker 0.17 (${GRAPHILE_PROCESSES} proc x 24, perfTest preset)`, setup: setupGraphile, throughput: graphileThroughput, latency: graphileLatency, crash: graphileCrash },
  { key: 'pgboss', label: `pg-boss 10 (${PGBOSS_PROCESSES} proc x ${PGBOSS_WORKERS} workers, batch ${PGBOSS_BATCH})`, setup: setupPgBoss, throughput: pgbossThroughput, latency: pgbossLatency, crash: pgbossCrash },
];

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]?.split(',') ?? [];
const only = arg('only');
const skip = new Set(arg('skip'));
const log = (msg: string) => process.stderr.write(`${msg}\n`);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/**
 * Before each round: a checkpoint, and no autovacuum still cleaning up after the previous system's round (pg-boss
 * keeps 20,000 completed jobs a round, Bench 20,000 runs), so that no system pays for another's leftovers.
 */
async function quiesce(admin: pg.Client): Promise<void> {
  await admin.query('CHECKPOINT');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  log('  (autovacuum still busy after 60 s; measuring anyway)');
}

async function main(): Promise<void> {
  log('building...');
  const build = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);

  const server = process.env.BENCH_DATABASE_URL
    ? { adminUrl: process.env.BENCH_DATABASE_URL, source: 'BENCH_DATABASE_URL', stop: async () => {} }
    : await startTestPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  const urlOf = (db: string) => Object.assign(new URL(server.adminUrl), { pathname: `/${db}` }).toString();

  const results: Record<string, { throughput?: number; rounds?: number[]; latency?: LatencyStats; crash?: CrashResult }> = {};
  let stuck: CrashResult | undefined;
  const chosen = systems.filter((x) => only.length === 0 || only.includes(x.key));
  try {
    for (const s of chosen) {
      const db = `bench_${s.key}`;
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${db}`);
      await s.setup(urlOf(db));
      results[s.key] = {};
    }
    if (!skip.has('throughput')) {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const s of chosen) {
          await quiesce(admin);
          log(`${s.key}: throughput of ${JOBS} no-op jobs, round ${round} of ${ROUNDS}...`);
          const jobsPerS = await s.throughput(urlOf(`bench_${s.key}`));
          (results[s.key]!.rounds ??= []).push(jobsPerS);
          log(`  ${jobsPerS.toFixed(0)} jobs/s`);
        }
      }
      for (const s of chosen) results[s.key]!.throughput = median(results[s.key]!.rounds!);
    }
    for (const s of chosen) {
      const db = `bench_${s.key}`;
      const url = urlOf(db);
      const r = results[s.key]!;
      if (!skip.has('latency')) {
        log(`${s.key}: closed-loop latency, ${SAMPLES} samples...`);
        r.latency = await s.latency(url);
        log(`  p50 ${r.latency.p50.toFixed(2)} ms, p99 ${r.latency.p99.toFixed(2)} ms`);
      }
      if (!skip.has('crash')) {
        log(`${s.key}: crash recovery (cap ${RECOVERY_CAP_S} s)...`);
        r.crash = await s.crash(url);
        log(`  ${JSON.stringify(r.crash)}`);
      }
      if (s.key === 'ours' && !skip.has('stuck')) {
        log('ours: stuck worker (SIGSTOP: alive but silent, so only the 30 s lease can catch it)...');
        stuck = await oursCrash(url, 'SIGSTOP');
        log(`  ${JSON.stringify(stuck)}`);
      }
      await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
    await server.stop();
  }

  const f = (n: number | undefined | null, d = 2) => (n === undefined ? 'n/a' : n === null ? `> ${RECOVERY_CAP_S}` : n.toFixed(d));
  const rows = [
    ['system', 'jobs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'recovery s', 'lost', 'duplicated'],
    ...systems
      .filter((s) => results[s.key])
      .map((s) => {
        const r = results[s.key]!;
        return [s.label, f(r.throughput, 0), f(r.latency?.p50), f(r.latency?.p95), f(r.latency?.p99), f(r.latency?.max), f(r.crash?.recovery_s, 1), String(r.crash?.lost ?? 'n/a'), String(r.crash?.duplicated ?? 'n/a')];
      }),
    ...(stuck ? [['Bench runs, stuck worker (lease path)', '', '', '', '', '', f(stuck.recovery_s, 1), String(stuck.lost), String(stuck.duplicated)]] : []),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(`\nQueue benchmark, ${new Date().toISOString().slice(0, 10)}: ${cpus().length} x ${cpus()[0]?.model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, Postgres ${version} (${server.source}); ${JOBS} jobs, ${SAMPLES} latency samples\n`);
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
  if (ROUNDS > 1 && !skip.has('throughput')) {
    console.log(`\njobs/s is the median of ${ROUNDS} alternating rounds: ` +
      chosen.map((s) => `${s.key} ${results[s.key]!.rounds!.map((x) => x.toFixed(0)).join(' / ')}`).join('; '));
  }
  const json: Record<string, unknown> = {};
  for (const [k, r] of Object.entries(results)) {
    json[k] = {
      throughput: r.throughput === undefined ? null : Math.round(r.throughput),
      p50_ms: r.latency ? Number(r.latency.p50.toFixed(2)) : null,
      p99_ms: r.latency ? Number(r.latency.p99.toFixed(2)) : null,
      recovery_s: r.crash ? r.crash.recovery_s : null,
      lost: r.crash ? r.crash.lost : null,
      duplicated: r.crash ? r.crash.duplicated : null,
    };
  }
  console.log(`\n${JSON.stringify(json)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
