/**
 * A running worker, wired from its parts: the listener (LISTEN + liveness lock), the claim session (claimer.ts),
 * the claim loop, the executor, the leases of the runs in hand (leases.ts: heartbeats every third of the lease),
 * the sweeper (sweeper.ts), and graceful shutdown. main.ts starts one per process; the benchmark starts one
 * in-process to time enqueue-to-handler latency.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../src/config.js';
import { requeueRuns } from '../src/runs/lease-queries.js';
import { CANCEL_CHANNEL, RUNS_CHANNEL } from '../src/runs/types.js';
import { registerWorker, removeWorker, touchWorker } from '../src/runs/worker-queries.js';
import { ShutdownError } from './errors.js';
import type { ErrorReporter } from '../src/observability/reporter.js';
import { createClaimer } from './claimer.js';
import { createExecutor, type HeldRun } from './executor.js';
import type { HandlerRegistry } from './handlers/index.js';
import { createLeases } from './leases.js';
import { startListener } from './listener.js';
import { createLoop } from './loop.js';
import { startSweeper } from './sweeper.js';

export interface WorkerOptions {
  pool: pg.Pool;
  /** For the worker's own LISTEN session (not from the pool: it must stay one session). */
  databaseUrl: string;
  config: Config['worker'];
  registry: HandlerRegistry;
  log: Logger;
  version: string;
  reporter?: ErrorReporter;
  /** The grader pool's counts, shown on /admin/ops (written with each heartbeat). */
  graderStats?: () => object;
}

export interface RunningWorker {
  workerId: string;
  /** Runs in hand right now. */
  held(): number;
  /** When the claim loop last finished a pass (see WorkerLoop.lastTickAt). */
  lastTickAt(): number;
  /** Stop claiming, let handlers finish within the grace period, abort and requeue the rest, deregister. */
  shutdown(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const { pool, config, log } = opts;
  const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const kinds = [...opts.registry.keys()];
  const held = new Map<string, HeldRun>();
  const info = { workerId, host: hostname(), pid: process.pid, version: opts.version, kinds, concurrency: config.concurrency };

  const leases = createLeases({ pool, workerId, held, leaseMs: config.leaseMs, log });
  const executor = createExecutor({
    db: pool,
    workerId,
    registry: opts.registry,
    log,
    held,
    backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
    reporter: opts.reporter,
    cancelArrivedEarly: leases.cancelArrivedEarly,
  });
  const claimer = createClaimer({ databaseUrl: opts.databaseUrl, workerId, kinds, leaseMs: config.leaseMs });
  const loop = createLoop({
    concurrency: config.concurrency,
    pollMs: config.pollMs,
    claim: claimer.claim,
    handle: (job) => executor.run(job),
    onError: (err) => {
      log.error({ err }, 'worker loop error');
      opts.reporter?.capture(err, { tags: { component: 'worker-loop' } });
    },
  });

  const listener = await startListener({
    url: opts.databaseUrl,
    channels: [RUNS_CHANNEL, CANCEL_CHANNEL],
    log,
    onNotification(channel, payload) {
      if (channel === RUNS_CHANNEL) loop.wake();
      else if (channel === CANCEL_CHANNEL) leases.cancelRun(payload);
    },
    onReconnect(livenessKey) {
      registerWorker(pool, { ...info, livenessKey }).catch((err) => log.error({ err }, 'worker re-register failed'));
      loop.wake();
    },
  });
  await registerWorker(pool, { ...info, livenessKey: listener.livenessKey });

  leases.start();
  const graderStats = () => opts.graderStats?.() ?? null;
  const sweeper = startSweeper({ pool, workerId, leaseMs: config.leaseMs, log, inHand: () => held.size, graderStats });
  loop.start();
  log.info({ workerId, kinds, concurrency: config.concurrency, leaseMs: config.leaseMs }, 'worker started');

  const parts = { pool, workerId, held, config, log, sweeper, loop, leases, executor, listener, claimer, graderStats };
  return { workerId, held: () => held.size, lastTickAt: () => loop.lastTickAt, shutdown: () => shutdown(parts) };
}

interface WorkerParts {
  pool: pg.Pool;
  workerId: string;
  held: Map<string, HeldRun>;
  config: Config['worker'];
  log: Logger;
  sweeper: ReturnType<typeof startSweeper>;
  loop: ReturnType<typeof createLoop>;
  leases: ReturnType<typeof createLeases>;
  executor: ReturnType<typeof createExecutor>;
  listener: Awaited<ReturnType<typeof startListener>>;
  claimer: ReturnType<typeof createClaimer>;
  graderStats: () => object | null;
}

/** Stop claiming, let handlers finish within the grace period, abort and requeue the rest, deregister. */
async function shutdown(p: WorkerParts): Promise<void> {
  const { pool, workerId, held, config, log, loop, leases, executor } = p;
  p.sweeper.stop();
  await loop.stop();
  await touchWorker(pool, workerId, held.size, true, p.graderStats()).catch(() => {});
  log.info({ inHand: held.size, graceMs: config.shutdownGraceMs }, 'worker stopping: no more claims');
  if (!(await drainWithin(loop.drained(), config.shutdownGraceMs))) {
    for (const id of held.keys()) leases.abortRun(id, new ShutdownError());
    // Handlers that honour their signal settle at once; one that ignores it is not waited for long.
    await drainWithin(loop.drained(), 1000);
  }
  await executor.idle();
  const rest = [...held.values()].map((h) => h.fence);
  if (rest.length > 0) {
    const n = await requeueRuns(pool, workerId, rest, 'Worker shut down: back in the queue').catch((err) => {
      log.error({ err }, 'requeue on shutdown failed; the sweeper will requeue these runs');
      return 0;
    });
    log.info({ requeued: n }, 'runs put back in the queue');
  }
  leases.stop();
  await removeWorker(pool, workerId).catch(() => {});
  await p.listener.close();
  await p.claimer.close();
  log.info('worker stopped');
}

/** True when `drained` settles within `ms`; the timer is cleared either way. */
async function drainWithin(drained: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([drained.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))]);
  clearTimeout(timer);
  return finished;
}
