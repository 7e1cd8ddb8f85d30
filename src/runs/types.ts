/**
 * The run queue's shared vocabulary: statuses, channel names and the Run shape every page and worker reads.
 */
export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'inconclusive'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'canceled', 'inconclusive']);
export const isTerminal = (status: RunStatus): boolean => TERMINAL_STATUSES.has(status);
/** A run in one of these may still change: another area's SQL that asks "is it over?" lists these. */
export const LIVE_STATUSES = RUN_STATUSES.filter((s) => !TERMINAL_STATUSES.has(s));

/**
 * NOTIFY channel for "runs are available": enqueue, shutdown requeues and sweeps send it; workers LISTEN. A retry is
 * not announced: it waits out its backoff, and the jittered poll finds it.
 */
export const RUNS_CHANNEL = 'bench_runs';
/** NOTIFY channel for cancel requests; the payload is the run id. */
export const CANCEL_CHANNEL = 'bench_run_cancel';

/** Kinds name handlers and result templates, so they must be path-safe (the table has the same CHECK). */
export const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

/** Run ids are the digits of a bigint: anything else is "not found" or a 400, never a 500 from a bad cast. */
export const isRunId = (id: string): boolean => /^\d{1,18}$/.test(id);

export type ItemStatus = 'pass' | 'fail' | 'error' | 'skipped';

export interface Run {
  id: string;
  kind: string;
  ownerId: string | null;
  payload: unknown;
  status: RunStatus;
  priority: number;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  /** Attempts a graceful worker shutdown cut short: they do not count against maxAttempts. */
  interruptions: number;
  leaseOwner: string | null;
  leaseExpiresAt: Date | null;
  heartbeatAt: Date | null;
  progress: { done: number | null; total: number | null; message: string | null };
  result: unknown;
  error: { code: string; message: string } | null;
  cancelRequestedAt: Date | null;
  dedupeKey: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface RunEvent {
  id: string;
  at: Date;
  type: string;
  attempt: number | null;
  message: string | null;
  data: unknown;
}

export interface RunItem {
  itemKey: string;
  status: ItemStatus;
  result: unknown;
  attempt: number;
  writes: number;
  recordedAt: Date;
}

/** Column list shared by every query that returns whole runs, so rowToRun always gets the same shape. */
export const RUN_COLUMNS = `id::text AS id, kind, owner_id, payload, status, priority, run_at, attempts, max_attempts,
  interruptions, lease_owner, lease_expires_at, heartbeat_at, progress_done, progress_total, progress_message, result, error_code,
  error_message, cancel_requested_at, dedupe_key, created_at, started_at, finished_at`;

export function rowToRun(r: Record<string, unknown>): Run {
  return {
    id: r.id as string,
    kind: r.kind as string,
    ownerId: (r.owner_id as string | null) ?? null,
    payload: r.payload,
    status: r.status as RunStatus,
    priority: r.priority as number,
    runAt: r.run_at as Date,
    attempts: r.attempts as number,
    maxAttempts: r.max_attempts as number,
    interruptions: r.interruptions as number,
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt: (r.lease_expires_at as Date | null) ?? null,
    heartbeatAt: (r.heartbeat_at as Date | null) ?? null,
    progress: {
      done: (r.progress_done as number | null) ?? null,
      total: (r.progress_total as number | null) ?? null,
      message: (r.progress_message as string | null) ?? null,
    },
    result: r.result ?? null,
    error: r.error_code ? { code: r.error_code as string, message: (r.error_message as string | null) ?? '' } : null,
    cancelRequestedAt: (r.cancel_requested_at as Date | null) ?? null,
    dedupeKey: (r.dedupe_key as string | null) ?? null,
    createdAt: r.created_at as Date,
    startedAt: (r.started_at as Date | null) ?? null,
    finishedAt: (r.finished_at as Date | null) ?? null,
  };
}
