/**
 * The models' side of /progress: per topic of the problem bank, the share of graded answers each model's latest
 * finished benchmark run got right, to set beside the user's own solve rate. The practice area cannot import this
 * area, so app.ts hands `modelTopicRates` to the practice routes.
 */
import type { Queryable } from '../db/pool.js';
import { BANK_DATASET } from './dataset.js';
import { latestModelTopicRates } from './score-queries.js';

export interface ModelRates {
  benchRunId: string;
  /** provider/model */
  spec: string;
  finishedAt: Date;
  /** By topic: correct of graded (a topic the run sampled no gradable item of is absent). */
  byTopic: Record<string, { correct: number; graded: number; rate: number }>;
}

/** How many models /progress shows at most: the ones benchmarked last. */
const MODELS_SHOWN = 4;

export async function modelTopicRates(db: Queryable): Promise<ModelRates[]> {
  const rows = await latestModelTopicRates(db, BANK_DATASET, MODELS_SHOWN);
  const runs = new Map<string, ModelRates>();
  for (const r of rows) {
    const run = runs.get(r.benchRunId) ?? { benchRunId: r.benchRunId, spec: `${r.provider}/${r.model}`, finishedAt: r.finishedAt, byTopic: {} };
    if (r.graded > 0) run.byTopic[r.topic] = { correct: r.correct, graded: r.graded, rate: r.correct / r.graded };
    runs.set(r.benchRunId, run);
  }
  return [...runs.values()];
}
