/**
 * Executes exactly one run by id in this process, as any worker would: claimed (or, on a remote machine, the
 * dispatcher's claim adopted) under a fenced lease, heartbeated every third of the lease, its items and outcome
 * written to Postgres with the executor's fenced statements. The `run-one` entry point (run-one.ts) and any CLI
 * call this; it never touches the claim loop, so it takes no other run.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../src/config.js';
import { itemsOf } from '../src/bench/dataset.js';
import { createPool } from '../src/db/pool.js';
import { createLlm } from '../src/llm/index.js';
import type { Logger } from '../src/observability/logger.js';
import type { Grader } from '../src/practice/grading.js';
import { requeueRuns } from '../src/runs/lease-queries.js';
import { adoptRun, claimRunById } from '../src/runs/one-run-queries.js';
import { getRun } from '../src/runs/queries.js';
import { ShutdownError } from './errors.js';
import { createExecutor, type HeldRun } from './executor.js';
import { createGraderPool, type GraderPool } from './grader/index.js';
import { createBenchRunHandler, sandboxCodeGrader } from './handlers/bench-run.js';
import { createGradeAttemptHandler } from './handlers/grade-attempt.js';
import { createRegistry, registry as baseRegistry } from './handlers/index.js';
import { createLibraryFetchHandler } from './handlers/library-fetch.js';
import { createLeases } from './leases.js';
import type { RunOneTarget } from './run-one-args.js';

export interface RunOneResult {
  /** The run's status when run-one let go of it (null: no such run). */
  status: string | null;
  /** 0 when the run succeeded; 1 otherwise; 3 when the run could not be claimed or adopted. */
  exitCode: number;
}

/** A grader pool started on the first code item only: most benchmark runs never grade code. */
function lazyGrader(config: Readonly<Config>, log: Logger): Grader & { close(): Promise<void> } {
  let pool: GraderPool | undefined;
  const make = () =>
    (pool ??= createGraderPool({
      size: config.grader.poolSize,
      concurrency: config.grader.concurrency,
      timeLimitMs: config.grader.timeLimitMs,
      memoryLimitMb: config.grader.memoryLimitMb,
      logger: { info: (m, e) => log.info(e ?? {}, m), warn: (m, e) => log.warn(e ?? {}, m) },
    }));
  return { grade: (req) => make().grade(req), close: async () => pool?.close() };
}

export async function runOne(config: Readonly<Config>, target: RunOneTarget, opts: { log: Logger; signal?: AbortSignal }): Promise<RunOneResult> {
  const { log } = opts;
  if (!config.databaseUrl) throw new Error('run-one needs DATABASE_URL');
  const pool = createPool(config.databaseUrl, { max: config.databasePoolSize, applicationName: 'bench-run-one' });
  const grader = lazyGrader(config, log);
  try {
    const workerId = target.claim?.leaseOwner ?? `run-one:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const leaseMs = config.worker.leaseMs;
    const job = target.claim
      ? await adoptRun(pool, { id: target.runId, attempt: target.claim.attempt, workerId }, { leaseMs, machineId: config.fly.machineId ?? null })
      : await claimRunById(pool, { runId: target.runId, workerId, leaseMs });
    if (!job) {
      log.error({ runId: target.runId, claim: target.claim ?? null }, target.claim ? 'the claim to adopt no longer holds' : 'the run is not queued');
      return { status: (await getRun(pool, target.runId))?.status ?? null, exitCode: 3 };
    }
    const llm = createLlm({ config, pool, logger: log.child({ component: 'llm' }) });
    const registry = createRegistry([
      ...baseRegistry.values(),
      createBenchRunHandler({ db: pool, llm, code: sandboxCodeGrader(grader), resolveItems: itemsOf, pausePollMs: config.bench.pausePollMs }),
      createGradeAttemptHandler({ db: pool, grader, llm }),
      createLibraryFetchHandler({ db: pool }),
    ]);
    const held = new Map<string, HeldRun>();
    const leases = createLeases({ pool, workerId, held, leaseMs, log });
    const backoff = { baseMs: config.worker.retryBaseMs, maxMs: config.worker.retryMaxMs };
    const executor = createExecutor({ db: pool, workerId, registry, log, held, backoff });
    const onAbort = () => leases.abortRun(job.id, new ShutdownError());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    leases.start();
    try {
      await executor.run(job);
      await executor.idle();
      // Stopped by the signal: back in the queue with its items kept, as a worker's graceful shutdown does.
      const stopped = held.get(job.id);
      if (stopped) await requeueRuns(pool, workerId, [stopped.fence], 'run-one stopped: back in the queue');
    } finally {
      leases.stop();
      opts.signal?.removeEventListener('abort', onAbort);
    }
    const status = (await getRun(pool, job.id))?.status ?? null;
    return { status, exitCode: status === 'succeeded' ? 0 : 1 };
  } finally {
    await grader.close();
    await pool.end();
  }
}
