/**
 * Shared by the run-queue tests: real worker processes (the built dist/worker/main.js) against the test file's
 * database, and polling for the event a test means (no deadline, no sleeping).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, onTestFailed } from 'vitest';
import { projectRoot } from '../../../src/paths.js';
import { useTestDatabase, type TestDatabase } from '../../helpers/db.js';

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
      // Long: a busy machine's late heartbeat must not lose a live worker its run. A test about leases running out
      // (zombie.test.ts) sets its own.
      WORKER_LEASE_MS: '60000',
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
        { what: `worker ${child.pid} to register`, detail: () => out },
      );
    },
  };
}

/**
 * Polls `probe` until it returns something truthy: the test waits on the event it means, however long a busy machine
 * takes to get there. No deadline of its own (a fixed budget is what a loaded 2-core machine misses): a wait that
 * never ends is caught by the test's timeout, whose failure then names what was awaited (`what`), and the probe's
 * error (an exited worker, say) ends it at once.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  opts: { what: string; intervalMs?: number; /** More to say on failure, e.g. a child's output so far. */ detail?: () => string },
): Promise<T> {
  let waiting = true;
  let abandoned = false;
  whenTestFails(() => {
    if (!waiting) return undefined;
    abandoned = true; // the test is over: stop polling a database or a process that is being torn down
    return [`still waiting for ${opts.what}`, opts.detail?.()].filter(Boolean).join('\n');
  });
  try {
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (abandoned) throw new Error(`gave up waiting for ${opts.what}: the test failed`);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
    }
  } finally {
    waiting = false;
  }
}

/** Adds the line `note()` returns to the failure of the running test (a timeout included); outside a test, nothing. */
function whenTestFails(note: () => string | undefined): void {
  try {
    onTestFailed(({ task }) => {
      const line = note();
      if (line) for (const e of task.result?.errors ?? []) e.message = `${e.message}\n${line}`;
    });
  } catch {
    // Called from a beforeAll/afterAll hook, which has no test to fail: the hook's own timeout names the hook.
  }
}

/**
 * The set-up of a test file that runs worker processes: its database, and `start(env)`, which spawns a worker, waits
 * for it to register and returns it with its id. Every worker started is SIGKILLed when the file ends.
 */
export function useWorkers(): { db: TestDatabase; start(env?: Record<string, string>): Promise<{ worker: WorkerProcess; id: string }> } {
  const db = useTestDatabase();
  const started: WorkerProcess[] = [];
  afterAll(() => killAll(started));
  return {
    db,
    async start(env = {}) {
      const worker = spawnWorker(db.url, env);
      started.push(worker);
      return { worker, id: await worker.ready(db.pool) };
    },
  };
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
