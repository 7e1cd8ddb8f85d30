/**
 * A running worker, wired from its parts: the listener (LISTEN + liveness lock), the claim loop, the executor,
 * heartbeats (every third of the lease), the sweeper, and graceful shutdown. main.ts starts one per process; the
 * benchmark starts one in-process to time enqueue-to-handler latency.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../src/config.js';
import { createPool } from '../src/db/pool.js';
import { claimRuns, heartbeatRuns, requeueRuns } from '../src/runs/lease-queries.js';
import { CANCEL_CHANNEL, RUNS_CHANNEL } from '../src/runs/types.js';
import { pruneWorkers, registerWorker, removeWorker, sweepLostRuns, touchWorker } from '../src/runs/worker-queries.js';
import { LeaseLostError, RunCanceledError, ShutdownError } from './errors.js';
import type { ErrorReporter } from '../src/observability/reporter.js';
import { createExecutor, type HeldRun } from './executor.js';
import type { HandlerRegistry } from './handlers/index.js';
import { startListener } from './listener.js';
import { createLoop } from './loop.js';

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
  // A cancel can reach this process between a claim's commit and its result (the NOTIFY comes on another session):
  // the run is not held yet, so the cancel is remembered for a while and applied when the run is taken in hand.
  const earlyCancels = new Map<string, number>();
  let stopping = false;
  const info = { workerId, host: hostname(), pid: process.pid, version: opts.version, kinds, concurrency: config.concurrency };

  const executor = createExecutor({
    db: pool,
    workerId,
    registry: opts.registry,
    log,
    held,
    backoff: { baseMs: config.retryBaseMs, maxMs: config.retryMaxMs },
    reporter: opts.reporter,
    cancelArrivedEarly: (id) => earlyCancels.delete(id),
  });
  // Claims get a session of their own (the loop makes one claim at a time) whose planner can only walk the claim
  // index in order. Right after a bulk enqueue the table has no statistics yet; the planner then guesses "a row or
  // two" and scans and sorts the whole backlog on every claim instead of reading the first LIMIT entries.
  // The session also commits asynchronously: it only ever claims, and a claim lost in a crash is harmless (see
  // claimRuns). The settings are SET once per connection rather than passed as the "options" startup parameter,
  // which session poolers may refuse; they are sent before the connection's first claim (not queued behind it from
  // a 'connect' listener, which pg deprecates).
  const claimPool = createPool(opts.databaseUrl, { max: 1, applicationName: 'bench-worker-claim' });
  const tuned = new WeakSet<pg.PoolClient>();
  async function claim(limit: number) {
    const client = await claimPool.connect();
    try {
      if (!tuned.has(client)) {
        await client.query('SET enable_bitmapscan = off; SET enable_sort = off; SET synchronous_commit = off');
        tuned.add(client);
      }
      const runs = await claimRuns(client, { workerId, kinds, limit, leaseMs: config.leaseMs });
      client.release();
      return runs;
    } catch (err) {
      client.release(err as Error); // a failed session is discarded; its replacement is tuned on first use
      throw err;
    }
  }
  const loop = createLoop({
    concurrency: config.concurrency,
    pollMs: config.pollMs,
    claim,
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
      else if (channel === CANCEL_CHANNEL) cancelRun(payload);
    },
    onReconnect(livenessKey) {
      registerWorker(pool, { ...info, livenessKey }).catch((err) => log.error({ err }, 'worker re-register failed'));
      loop.wake();
    },
  });
  await registerWorker(pool, { ...info, livenessKey: listener.livenessKey });

  function cancelRun(id: string): void {
    if (held.has(id)) return abortRun(id, new RunCanceledError(id));
    const now = Date.now();
    for (const [k, at] of earlyCancels) if (now - at > 10_000) earlyCancels.delete(k);
    earlyCancels.set(id, now);
  }

  function abortRun(id: string, reason: Error): void {
    const h = held.get(id);
    h?.controller.abort(reason); // a second abort (cancel after lease loss, say) keeps the first reason
  }

  async function heartbeat(): Promise<void> {
    const list = [...held.values()];
    try {
      const alive = new Map((await heartbeatRuns(pool, workerId, list.map((h) => h.fence), config.leaseMs)).map((r) => [r.id, r]));
      const now = Date.now();
      for (const h of list) {
        if (held.get(h.fence.id) !== h) continue; // finished meanwhile
        const row = alive.get(h.fence.id);
        if (!row) abortRun(h.fence.id, new LeaseLostError(h.fence.id, h.fence.attempt));
        else {
          h.extendedAt = now;
          if (row.cancelRequested) abortRun(h.fence.id, new RunCanceledError(h.fence.id));
        }
      }
    } catch (err) {
      log.warn({ err }, 'heartbeat failed');
    }
    // Self-fencing: without a successful heartbeat for a whole lease, another worker may own the run by now.
    for (const h of held.values()) {
      if (Date.now() - h.extendedAt > config.leaseMs) abortRun(h.fence.id, new LeaseLostError(h.fence.id, h.fence.attempt));
    }
  }

  let lastPrune = 0;
  async function sweep(): Promise<void> {
    try {
      // Alive, through the pool: the sweepers' other sign of life (the liveness lock) lapses while the LISTEN
      // session reconnects, and a worker silent for LIVENESS_GRACE_MS as well is taken for dead.
      await touchWorker(pool, workerId, held.size, stopping, opts.graderStats?.() ?? null);
      const r = await sweepLostRuns(pool);
      if (r.requeued + r.failed + r.canceled > 0) log.info(r, 'swept runs of lost workers');
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await pruneWorkers(pool, 3600);
      }
    } catch (err) {
      log.warn({ err }, 'sweep failed');
    }
  }

  const heartbeatTimer = setInterval(() => void heartbeat(), Math.max(100, Math.floor(config.leaseMs / 3)));
  // Sweeping is cheap (partial index on running runs), so do it often: a dead worker's runs move within ~1 s.
  const sweepMs = Math.min(1000, config.leaseMs / 4);
  let sweepTimer: NodeJS.Timeout | undefined;
  const armSweep = () => {
    sweepTimer = setTimeout(() => void sweep().finally(() => !stopping && armSweep()), sweepMs * (0.75 + Math.random() / 2));
  };
  armSweep();
  loop.start();
  log.info({ workerId, kinds, concurrency: config.concurrency, leaseMs: config.leaseMs }, 'worker started');

  return {
    workerId,
    held: () => held.size,
    lastTickAt: () => loop.lastTickAt,
    async shutdown() {
      stopping = true;
      clearTimeout(sweepTimer);
      await loop.stop();
      await touchWorker(pool, workerId, held.size, true, opts.graderStats?.() ?? null).catch(() => {});
      log.info({ inHand: held.size, graceMs: config.shutdownGraceMs }, 'worker stopping: no more claims');
      let graceTimer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        loop.drained().then(() => true),
        new Promise<boolean>((r) => (graceTimer = setTimeout(() => r(false), config.shutdownGraceMs))),
      ]);
      clearTimeout(graceTimer);
      if (!finished) {
        for (const id of held.keys()) abortRun(id, new ShutdownError());
        // Handlers that honour their signal settle at once; one that ignores it is not waited for long.
        await Promise.race([loop.drained(), new Promise((r) => setTimeout(r, 1000))]);
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
      clearInterval(heartbeatTimer);
      await removeWorker(pool, workerId).catch(() => {});
      await listener.close();
      await claimPool.end();
      log.info('worker stopped');
    },
  };
}
