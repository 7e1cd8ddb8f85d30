/**
 * Shared by the queue benchmark: child processes, polling with a deadline, percentiles, and the crash scenario that
 * every system goes through the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../../../src/db/migrate.js';
import { createPool } from '../../../src/db/pool.js';
import { projectRoot } from '../../../src/paths.js';
import { startTestPostgres } from '../../helpers/postgres-server.js';

export const JOBS = Number(process.env.BENCH_JOBS ?? 20_000);
export const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1000);
/** How long the crash scenario waits for a killed worker's job to start again before calling it not recovered. */
export const RECOVERY_CAP_S = Number(process.env.BENCH_CAP_S ?? 60);
/** Crash scenario job: STEPS items, STEP_MS each. */
export const STEPS = 20;
export const STEP_MS = 250;

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface CrashResult {
  recovery_s: number | null;
  lost: number;
  duplicated: number;
}

export interface Child {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the child prints a line containing `marker`. */
  printed(marker: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export function spawnChild(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, args, {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    waiters.splice(0).forEach((w) => w());
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  return {
    proc,
    output: () => out,
    async printed(marker, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(marker)) {
        if (proc.exitCode !== null) throw new Error(`child exited before "${marker}":\n${out}`);
        if (Date.now() > deadline) throw new Error(`child did not print "${marker}":\n${out}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGCONT');
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A child running a TypeScript file of this folder through tsx. */
export function spawnTs(file: string, env: Record<string, string>): Child {
  return spawnChild(['--import', 'tsx', join(projectRoot, 'test', 'bench', 'queue', file)], env);
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, intervalMs = 20): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** User + system CPU seconds a process has used (Linux /proc), or 0 once it is gone. */
export function cpuOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

export function percentiles(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
  return { p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1]! };
}

/**
 * Time from "jobs are in" to "no job left", asking the system's own tables every 50 ms. The probe is an
 * "any left?" LIMIT 1, not a count: counting 20,000 rows every few milliseconds would load the very database
 * being measured.
 */
export async function burnDown(anyLeft: () => Promise<boolean>, timeoutMs = 600_000): Promise<number> {
  const t0 = performance.now();
  const done = await waitFor(async () => !(await anyLeft()), timeoutMs, 50);
  if (!done) throw new Error('burn-down did not finish');
  return (performance.now() - t0) / 1000;
}

export interface CrashProbe {
  /** Pid of the worker process holding the job once it has done at least `min` items, else null. */
  holder(min: number): Promise<number | null>;
  /** How many times a handler has started on the job. */
  starts(): Promise<number>;
  /** Item rows written, and distinct items among them. */
  items(): Promise<{ rows: number; distinct: number }>;
}

/**
 * Two workers; the job starts on one; once it has written 4 of its 20 items, that worker gets `signal`. Recovery is
 * the time until a handler starts on the job again; lost and duplicated count its items after it finished (or
 * after the cap, when it never came back).
 */
export async function crashScenario(workers: Child[], probe: CrashProbe, signal: NodeJS.Signals = 'SIGKILL'): Promise<CrashResult> {
  const pid = await waitFor(() => probe.holder(4), 60_000);
  if (!pid) throw new Error('the crash job never got under way');
  const victim = workers.find((w) => w.proc.pid === pid);
  if (!victim) throw new Error(`no worker with pid ${pid}`);
  const tKill = performance.now();
  victim.proc.kill(signal);
  const restarted = await waitFor(async () => (await probe.starts()) >= 2, RECOVERY_CAP_S * 1000);
  const recovery = restarted ? (performance.now() - tKill) / 1000 : null;
  if (restarted) await waitFor(async () => (await probe.items()).distinct >= STEPS, 60_000, 50);
  const { rows, distinct } = await probe.items();
  return { recovery_s: recovery === null ? null : Number(recovery.toFixed(2)), lost: STEPS - distinct, duplicated: rows - distinct };
}

/** For the other systems' handlers: tables where their crash job writes its starts and items (plain INSERTs). */
export async function createItemTables(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`CREATE TABLE IF NOT EXISTS bench_starts (pid int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
                 CREATE TABLE IF NOT EXISTS bench_items (item int NOT NULL, pid int NOT NULL);
                 TRUNCATE bench_starts, bench_items`);
  await c.end();
}

/** The CrashProbe for systems whose handler writes bench_starts / bench_items. */
export function tableProbe(pool: pg.Pool): CrashProbe {
  return {
    async holder(min) {
      const { rows } = await pool.query(
        `SELECT s.pid FROM bench_starts s WHERE (SELECT count(*) FROM bench_items i WHERE i.pid = s.pid) >= $1 LIMIT 1`,
        [min],
      );
      return rows[0]?.pid ?? null;
    },
    async starts() {
      return (await pool.query('SELECT count(*)::int AS n FROM bench_starts')).rows[0].n;
    },
    async items() {
      const { rows } = await pool.query('SELECT count(*)::int AS rows, count(DISTINCT item)::int AS distinct FROM bench_items');
      return rows[0];
    },
  };
}

/**
 * For the profiling aids: an embedded Postgres with a fresh, migrated database `name`, a pool on it, and close()
 * to stop it all.
 */
export async function freshMigratedDatabase(name: string, poolSize = 1): Promise<{ url: string; pool: pg.Pool; close(): Promise<void> }> {
  const server = await startTestPostgres();
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(server.adminUrl), { pathname: `/${name}` }).toString();
  const pool = createPool(url, { max: poolSize });
  await migrate(pool);
  return {
    url,
    pool,
    async close() {
      await pool.end();
      await admin.end();
      await server.stop();
    },
  };
}
