/**
 * Whether a page waiting on a career analysis should warn that no worker is there to do it: the run stays queued
 * until one starts, and the progress indicator alone would spin without saying why.
 */
import type { Queryable } from '../db/pool.js';
import { anyWorkerAliveFor } from '../runs/worker-queries.js';
import { CAREER_RUN_KIND } from './service.js';

/** A worker that has not reported for this long is taken as gone (as the practice pages do for grading). */
const WORKER_FRESH_SECONDS = 60;

export async function noWorkerFor(db: Queryable, waiting: boolean): Promise<boolean> {
  return waiting && !(await anyWorkerAliveFor(db, CAREER_RUN_KIND, WORKER_FRESH_SECONDS));
}
