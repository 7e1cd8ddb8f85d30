/**
 * The sweeper: every worker keeps its own heartbeat row fresh and rescues the runs of workers that died or got
 * stuck (the statements are in src/runs/worker-queries.ts). Sweeping is cheap (a partial index on running runs),
 * so it runs often: a dead worker's runs move within about a second.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { pruneWorkers, sweepLostRuns, touchWorker } from '../src/runs/worker-queries.js';

export interface SweeperOptions {
  pool: pg.Pool;
  workerId: string;
  leaseMs: number;
  log: Logger;
  /** Runs in hand, reported on the worker's row. */
  inHand(): number;
  /** The grader pool's counts for /admin/ops, or null for a worker without one. */
  graderStats(): object | null;
}

export function startSweeper(opts: SweeperOptions) {
  const { pool, workerId, log } = opts;
  let lastPrune = 0;
  let stopped = false;
  async function sweep(): Promise<void> {
    try {
      // Alive, through the pool: the sweepers' other sign of life (the liveness lock) lapses while the LISTEN
      // session reconnects, and a worker silent for LIVENESS_GRACE_MS as well is taken for dead.
      await touchWorker(pool, workerId, opts.inHand(), stopped, opts.graderStats());
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

  const sweepMs = Math.min(1000, opts.leaseMs / 4);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => void sweep().finally(() => !stopped && arm()), sweepMs * (0.75 + Math.random() / 2));
  };
  arm();
  return {
    stop(): void {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
