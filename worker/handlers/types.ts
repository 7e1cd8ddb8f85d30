/**
 * What a handler is and what it is given. A handler is registered by kind in ./index.ts; the worker calls
 * handle(payload, ctx) and stores what it returns as the run's result (jsonb).
 */
import type { Logger } from 'pino';
import type { ItemStatus } from '../../src/runs/types.js';

export interface RunContext {
  runId: string;
  /** 1 on the first attempt; also the fencing token of every write below. */
  attempt: number;
  ownerId: string | null;
  /** The worker id the run is leased to: with runId and attempt, the fence a remote machine writes under. */
  leaseOwner: string;
  /** Aborted on cancel (reason RunCanceledError), lost lease (LeaseLostError) or shutdown (ShutdownError). */
  signal: AbortSignal;
  log: Logger;
  /** Shown live on the run page. Throws LeaseLostError when the run is no longer this worker's. */
  progress(done: number, total: number | null, message?: string): Promise<void>;
  /** Upserts one item's result: a resumed run overwrites, never duplicates. Fenced like progress. */
  recordItem(itemKey: string, data: { status: ItemStatus; result?: unknown }): Promise<void>;
  /** Item keys already recorded by earlier attempts, so a resumed run skips them. */
  itemsDone(): Promise<Set<string>>;
}

export interface RunHandler {
  kind: string;
  /**
   * True when the handler records items: finishing with zero items then ends the run `inconclusive`. (Any run that
   * recorded items but none pass/fail ends `inconclusive` regardless; so does returning { inconclusive: true }.)
   */
  expectsItems?: boolean;
  handle(payload: unknown, ctx: RunContext): Promise<unknown>;
}

/** A handler may return this to end its run `inconclusive` with a reason; the object is kept as the result. */
export interface InconclusiveResult {
  inconclusive: true;
  reason: string;
  [key: string]: unknown;
}

export function isInconclusive(value: unknown): value is InconclusiveResult {
  return Boolean(value && typeof value === 'object' && (value as { inconclusive?: unknown }).inconclusive === true);
}
