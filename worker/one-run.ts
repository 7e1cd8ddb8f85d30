/**
 * Executes one named benchmark run in this process, with the worker's own parts: the claim is a lease like any
 * worker's (claimRunById: the same state change as the queue's claim, for one id), leases.ts heartbeats it and
 * applies a cancel, executor.ts runs the bench-run handler and records the outcome with its fenced statements.
 * The CLI uses it when no worker is alive to take the run; a process that only ever runs one given run (remote
 * dispatch) can share it. The sandboxed grader pool is started only when a code item needs it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import { itemsOf } from '../src/bench/dataset.js';
import type { CodeGradingPort } from '../src/bench/grade.js';
import { BENCH_RUN_KIND } from '../src/bench/kinds.js';
import type { Config } from '../src/config.js';
import type { Llm } from '../src/llm/index.js';
import { claimRunById } from '../src/runs/claim-one-queries.js';
import { requeueRuns } from '../src/runs/lease-queries.js';
import { ShutdownError } from './errors.js';
import { createExecutor, type HeldRun } from './executor.js';
import { createGraderPool, type GraderPool } from './grader/index.js';
import { createBenchRunHandler, sandboxCodeGrader } from './handlers/bench-run.js';
import { createRegistry } from './handlers/index.js';
import { createLeases } from './leases.js';

export interface OneRunOptions {
  pool: pg.Pool;
  config: Readonly<Pick<Config, 'worker' | 'grader' | 'bench'>>;
  llm: Pick<Llm, 'invoke'>;
  log: Logger;
  /** The queue run (runs.id) to execute. */
  runId: string;
}

export interface OneRun {
  /** False when the run was not there to claim (not queued, not due yet, or another worker took it). */
  done: Promise<boolean>;
  /** Stops the handler; the run goes back to the queue with its recorded items kept. */
  stop(): void;
}

/** The grading port over a grader pool that is started on the first code item (a numeric-only run never pays for it). */
function lazyCodeGrader(config: OneRunOptions['config'], log: Logger): { port: CodeGradingPort; close(): Promise<void> } {
  let pool: GraderPool | undefined;
  const start = () =>
    createGraderPool({
      size: config.grader.poolSize,
      concurrency: config.grader.concurrency,
      timeLimitMs: config.grader.timeLimitMs,
      memoryLimitMb: config.grader.memoryLimitMb,
      logger: { info: (m, e) => log.info(e ?? {}, m), warn: (m, e) => log.warn(e ?? {}, m) },
    });
  return {
    port: { gradeCode: (task, code) => sandboxCodeGrader((pool ??= start())).gradeCode(task, code) },
    close: async () => pool?.close(),
  };
}

export function startOneRun(opts: OneRunOptions): OneRun {
  const { pool, config, log } = opts;
  const workerId = `one-run:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const held = new Map<string, HeldRun>();
  const grader = lazyCodeGrader(config, log);
  const handler = createBenchRunHandler({ db: pool, llm: opts.llm, code: grader.port, resolveItems: (name, hash) => itemsOf(pool, name, hash), pausePollMs: config.bench.pausePollMs });
  const leases = createLeases({ pool, workerId, held, leaseMs: config.worker.leaseMs, log });
  const backoff = { baseMs: config.worker.retryBaseMs, maxMs: config.worker.retryMaxMs };
  const executor = createExecutor({ db: pool, workerId, registry: createRegistry([handler]), log, held, backoff });
  let stopped = false;

  async function run(): Promise<boolean> {
    const job = await claimRunById(pool, { workerId, id: opts.runId, kinds: [BENCH_RUN_KIND], leaseMs: config.worker.leaseMs });
    if (!job) return false;
    leases.start();
    try {
      const running = executor.run(job); // takes the run in hand before its first await
      if (stopped) leases.abortRun(job.id, new ShutdownError());
      await running;
      await executor.idle();
      // Aborted for a stop: the executor left it held, and it goes back to the queue like a worker's shutdown does.
      const rest = [...held.values()].map((h) => h.fence);
      if (rest.length > 0) await requeueRuns(pool, workerId, rest, 'Stopped from the command line: back in the queue');
      return true;
    } finally {
      leases.stop();
      await grader.close();
    }
  }

  return {
    done: run(),
    stop() {
      stopped = true;
      for (const id of held.keys()) leases.abortRun(id, new ShutdownError());
    },
  };
}
