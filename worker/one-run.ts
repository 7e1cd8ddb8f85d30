/**
 * Executes exactly one run by id in this process, as any worker would: claimed (or, on a remote machine, the
 * dispatcher's claim adopted) under a fenced lease, heartbeated by leases.ts, its items and outcome written with the
 * executor's fenced statements. It never touches the claim loop, so it takes no other run. Two callers:
 * - `runOne`: the `run-one` entry point (run-one.ts) that a remote machine starts; it owns its pool and LLM layer.
 * - `startOneRun`: the CLI's in-process execution when no worker is alive, on the CLI's pool and LLM layer.
 * The sandboxed grader pool is started only when a code item needs it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { itemsOf } from '../src/bench/dataset.js';
import { BENCH_RUN_KIND } from '../src/bench/kinds.js';
import type { Config } from '../src/config.js';
import { createPool } from '../src/db/pool.js';
import { createLlm, type Llm } from '../src/llm/index.js';
import type { Logger } from '../src/observability/logger.js';
import type { Grader } from '../src/practice/grading.js';
import { claimRunById } from '../src/runs/claim-one-queries.js';
import type { ClaimedRun } from '../src/runs/lease-queries.js';
import { requeueRuns } from '../src/runs/lease-queries.js';
import { adoptRun } from '../src/runs/one-run-queries.js';
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

type OneRunConfig = Readonly<Pick<Config, 'worker' | 'grader' | 'bench'>>;

/** A grader pool started on the first code item only: most benchmark runs never grade code. */
function lazyGrader(config: OneRunConfig, log: Logger): Grader & { close(): Promise<void> } {
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

function handlersFor(pool: pg.Pool, llm: Pick<Llm, 'invoke'>, grader: Grader, config: OneRunConfig) {
  return createRegistry([
    ...baseRegistry.values(),
    createBenchRunHandler({ db: pool, llm, code: sandboxCodeGrader(grader), resolveItems: (name, hash) => itemsOf(pool, name, hash), pausePollMs: config.bench.pausePollMs }),
    createGradeAttemptHandler({ db: pool, grader, llm: llm as Llm }),
    createLibraryFetchHandler({ db: pool, llm: llm as Llm }),
  ]);
}

interface HeldParts {
  pool: pg.Pool;
  workerId: string;
  job: ClaimedRun;
  registry: ReturnType<typeof createRegistry>;
  config: OneRunConfig;
  log: Logger;
  signal?: AbortSignal;
  /** The event's message when a stop puts the run back in the queue. */
  requeueMessage: string;
}

/** Runs a claimed run to its end under heartbeats; stopped by the signal, it goes back to the queue with its items. */
async function executeHeld(p: HeldParts): Promise<void> {
  const held = new Map<string, HeldRun>();
  const leases = createLeases({ pool: p.pool, workerId: p.workerId, held, leaseMs: p.config.worker.leaseMs, log: p.log });
  const backoff = { baseMs: p.config.worker.retryBaseMs, maxMs: p.config.worker.retryMaxMs };
  const executor = createExecutor({ db: p.pool, workerId: p.workerId, registry: p.registry, log: p.log, held, backoff });
  const onAbort = () => leases.abortRun(p.job.id, new ShutdownError());
  p.signal?.addEventListener('abort', onAbort, { once: true });
  leases.start();
  try {
    const running = executor.run(p.job); // takes the run in hand before its first await
    if (p.signal?.aborted) onAbort();
    await running;
    await executor.idle();
    const stopped = held.get(p.job.id);
    if (stopped) await requeueRuns(p.pool, p.workerId, [stopped.fence], p.requeueMessage);
  } finally {
    leases.stop();
    p.signal?.removeEventListener('abort', onAbort);
  }
}

export interface RunOneResult {
  /** The run's status when run-one let go of it (null: no such run). */
  status: string | null;
  /** 0 when the run succeeded; 1 otherwise; 3 when the run could not be claimed or adopted. */
  exitCode: number;
}

export async function runOne(config: Readonly<Config>, target: RunOneTarget, opts: { log: Logger; signal?: AbortSignal }): Promise<RunOneResult> {
  const { log } = opts;
  if (!config.databaseUrl) throw new Error('run-one needs DATABASE_URL');
  const pool = createPool(config.databaseUrl, { max: config.databasePoolSize, applicationName: 'bench-run-one' });
  const grader = lazyGrader(config, log);
  try {
    const workerId = target.claim?.leaseOwner ?? `run-one:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const leaseMs = config.worker.leaseMs;
    const llm = createLlm({ config, pool, logger: log.child({ component: 'llm' }) });
    const registry = handlersFor(pool, llm, grader, config);
    const job = target.claim
      ? await adoptRun(pool, { id: target.runId, attempt: target.claim.attempt, workerId }, { leaseMs, machineId: config.fly.machineId ?? null })
      : await claimRunById(pool, { workerId, id: target.runId, kinds: [...registry.keys()], leaseMs });
    if (!job) {
      log.error({ runId: target.runId, claim: target.claim ?? null }, target.claim ? 'the claim to adopt no longer holds' : 'the run is not queued');
      return { status: (await getRun(pool, target.runId))?.status ?? null, exitCode: 3 };
    }
    await executeHeld({ pool, workerId, job, registry, config, log, signal: opts.signal, requeueMessage: 'run-one stopped: back in the queue' });
    const status = (await getRun(pool, job.id))?.status ?? null;
    return { status, exitCode: status === 'succeeded' ? 0 : 1 };
  } finally {
    await grader.close();
    await pool.end();
  }
}

export interface OneRun {
  /** False when the run was not there to claim (not queued, not due yet, or another worker took it). */
  done: Promise<boolean>;
  /** Stops the handler; the run goes back to the queue with its recorded items kept. */
  stop(): void;
}

/** The CLI's in-process execution of one benchmark run, on the CLI's own pool and LLM layer. */
export function startOneRun(opts: { pool: pg.Pool; config: OneRunConfig; llm: Pick<Llm, 'invoke'>; log: Logger; runId: string }): OneRun {
  const { pool, config, log } = opts;
  const workerId = `one-run:${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const grader = lazyGrader(config, log);
  const abort = new AbortController();
  async function run(): Promise<boolean> {
    try {
      const job = await claimRunById(pool, { workerId, id: opts.runId, kinds: [BENCH_RUN_KIND], leaseMs: config.worker.leaseMs });
      if (!job) return false;
      const registry = handlersFor(pool, opts.llm, grader, config);
      await executeHeld({ pool, workerId, job, registry, config, log, signal: abort.signal, requeueMessage: 'Stopped from the command line: back in the queue' });
      return true;
    } finally {
      await grader.close();
    }
  }
  return { done: run(), stop: () => abort.abort() };
}
