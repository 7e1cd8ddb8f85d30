/**
 * The /problems list: filters over the in-memory bank joined with one row of per-user stats per touched problem.
 */
import { z } from 'zod';
import { DIFFICULTIES, TOPICS, type Bank, type Problem } from './bank.js';
import type { SlugStats } from './queries.js';

export const STATUSES = ['new', 'attempted', 'solved'] as const;
export type ProblemStatus = (typeof STATUSES)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Unknown values are dropped rather than refused: a stale bookmark still shows the list. */
export const listQuerySchema = z.object({
  topic: z.preprocess(blankToUndefined, z.enum(TOPICS).optional().catch(undefined)),
  difficulty: z.preprocess(blankToUndefined, z.enum(DIFFICULTIES).optional().catch(undefined)),
  status: z.preprocess(blankToUndefined, z.enum(STATUSES).optional().catch(undefined)),
  q: z.preprocess(blankToUndefined, z.string().trim().max(100).optional().catch(undefined)),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export interface ListedProblem {
  problem: Problem;
  status: ProblemStatus;
  attempts: number;
}

export interface Catalog {
  rows: ListedProblem[];
  solved: number;
  attempted: number;
  total: number;
  /** Solved / total per topic, over the whole bank (the filters do not change them). */
  topicCounts: { topic: string; solved: number; total: number }[];
  filtered: boolean;
}

export function statusOf(stats: SlugStats | undefined): ProblemStatus {
  if (!stats) return 'new';
  if (stats.solved) return 'solved';
  return stats.attempts > 0 ? 'attempted' : 'new';
}

export function buildCatalog(bank: Bank, stats: SlugStats[], query: ListQuery): Catalog {
  const bySlug = new Map(stats.map((s) => [s.slug, s]));
  const all = bank.problems.map((problem) => {
    const s = bySlug.get(problem.slug);
    return { problem, status: statusOf(s), attempts: s?.attempts ?? 0 };
  });
  const needle = query.q?.toLowerCase();
  const rows = all.filter(
    (r) =>
      (!query.topic || r.problem.topic === query.topic) &&
      (!query.difficulty || r.problem.difficulty === query.difficulty) &&
      (!query.status || r.status === query.status) &&
      (!needle || r.problem.title.toLowerCase().includes(needle)),
  );
  const topicCounts = TOPICS.map((topic) => {
    const inTopic = all.filter((r) => r.problem.topic === topic);
    return { topic, solved: inTopic.filter((r) => r.status === 'solved').length, total: inTopic.length };
  }).filter((t) => t.total > 0);
  return {
    rows,
    solved: all.filter((r) => r.status === 'solved').length,
    attempted: all.filter((r) => r.status === 'attempted').length,
    total: all.length,
    topicCounts,
    filtered: Boolean(query.topic || query.difficulty || query.status || query.q),
  };
}
