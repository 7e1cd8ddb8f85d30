/**
 * Shared by the run-queue tests: real worker processes (the built dist/worker/main.js) against the test file's
 * database, and polling the database for a condition with a deadline instead of sleeping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type pg from 'pg';
import { projectRoot } from '../../../src/paths.js';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the worker id once the worker has registered (it is then claiming). */
  ready(pool: pg.Pool): Promise<string>;
}

const workerJs = join(projectRoot, 'dist', 'worker', 'main.js');

export function spawnWorker(url: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [workerJs], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: url,
      DATABASE_POOL_SIZE: '4',
      WORKER_CONCURRENCY: '2',
      WORKER_LEASE_MS: '3000',
      WORKER_POLL_MS: '500',
      SHUTDOWN_GRACE_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    async ready(pool) {
      return waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`worker exited early:\n${out}`);
          const { rows } = await pool.query('SELECT worker_id FROM worker_heartbeats WHERE pid = $1', [child.pid]);
          return rows[0]?.worker_id as string | undefined;
        },
        { what: `worker ${child.pid} to register` },
      );
    },
  };
}

/**
 * Polls `probe` until it returns something truthy: the test waits on the event it means, however long a busy machine
 * takes to get there. No deadline of its own (a fixed budget is what a loaded 2-core machine misses): a wait that
 * never ends is caught by the test's timeout, and the probe's error (an exited worker, say) ends it at once.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  opts: { what: string; intervalMs?: number },
): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}

/** SIGKILLs every worker still alive (afterEach/afterAll), so a failed test leaves no process behind. */
export async function killAll(workers: WorkerProcess[]): Promise<void> {
  for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  workers.length = 0;
}

export async function statusOf(pool: pg.Pool, id: string): Promise<string> {
  const { rows } = await pool.query('SELECT status FROM runs WHERE id = $1', [id]);
  return rows[0].status;
}
