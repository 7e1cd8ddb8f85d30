/**
 * The leases of the runs in hand: a heartbeat every third of the lease extends them, and a run whose lease is lost
 * or whose cancel was requested has its handler aborted. Cancels that arrive before the run is in hand are kept
 * for a while and applied when it is.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { heartbeatRuns } from '../src/runs/lease-queries.js';
import { LeaseLostError, RunCanceledError } from './errors.js';
import type { HeldRun } from './executor.js';

export interface LeaseOptions {
  pool: pg.Pool;
  workerId: string;
  held: Map<string, HeldRun>;
  leaseMs: number;
  log: Logger;
}

export function createLeases(opts: LeaseOptions) {
  const { held, leaseMs } = opts;
  // A cancel can reach this process between a claim's commit and its result (the NOTIFY comes on another session):
  // the run is not held yet, so the cancel is remembered for a while and applied when the run is taken in hand.
  const earlyCancels = new Map<string, number>();

  function abortRun(id: string, reason: Error): void {
    held.get(id)?.controller.abort(reason); // a second abort (cancel after lease loss, say) keeps the first reason
  }

  function cancelRun(id: string): void {
    if (held.has(id)) return abortRun(id, new RunCanceledError(id));
    const now = Date.now();
    for (const [k, at] of earlyCancels) if (now - at > 10_000) earlyCancels.delete(k);
    earlyCancels.set(id, now);
  }

  async function heartbeat(): Promise<void> {
    const list = [...held.values()];
    try {
      const alive = new Map((await heartbeatRuns(opts.pool, opts.workerId, list.map((h) => h.fence), leaseMs)).map((r) => [r.id, r]));
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
      opts.log.warn({ err }, 'heartbeat failed');
    }
    // Self-fencing: without a successful heartbeat for a whole lease, another worker may own the run by now.
    for (const h of held.values()) {
      if (Date.now() - h.extendedAt > leaseMs) abortRun(h.fence.id, new LeaseLostError(h.fence.id, h.fence.attempt));
    }
  }

  let timer: NodeJS.Timeout | undefined;
  return {
    start: () => void (timer = setInterval(() => void heartbeat(), Math.max(100, Math.floor(leaseMs / 3)))),
    abortRun,
    cancelRun,
    /** True (and forgotten) when a cancel for this run arrived before it was in hand. */
    cancelArrivedEarly: (id: string) => earlyCancels.delete(id),
    stop: () => clearInterval(timer),
  };
}
