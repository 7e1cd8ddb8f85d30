/**
 * What the practice pages need to know about the run queue: a grading run's state and progress, and whether any
 * worker that grades has reported in recently (otherwise the page says the submission waits in the queue).
 */
import type { Queryable } from '../db/pool.js';
import { getRun } from '../runs/queries.js';
import { anyWorkerAliveFor } from '../runs/worker-queries.js';
import type { RunStatus } from '../runs/types.js';
import { GRADE_RUN_KIND } from './kinds.js';

/** Workers heartbeat every third of their lease (30 s by default); this much silence means none is running. */
const WORKER_FRESH_SECONDS = 60;

export interface GradingRunState {
  id: string;
  status: RunStatus;
  progressDone: number | null;
  progressTotal: number | null;
  progressMessage: string | null;
  errorMessage: string | null;
}

export async function gradingRunState(db: Queryable, runId: string): Promise<GradingRunState | null> {
  const run = await getRun(db, runId);
  if (!run) return null;
  return {
    id: run.id,
    status: run.status,
    progressDone: run.progress.done,
    progressTotal: run.progress.total,
    progressMessage: run.progress.message,
    errorMessage: run.error?.message ?? null,
  };
}

export async function graderWorkerAlive(db: Queryable): Promise<boolean> {
  return anyWorkerAliveFor(db, GRADE_RUN_KIND, WORKER_FRESH_SECONDS);
}
