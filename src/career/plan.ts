/**
 * A practice plan from a fit's real gaps: for each gap the bank can practise, the closest problems the user has not
 * solved yet (two per gap, eight at most), one a day from today, so they arrive in /progress's "next up" in turn.
 */
import type { Bank, Problem } from '../practice/bank.js';
import { realGaps, type FitAssessment } from './fit.js';
import { problemsForSkill } from './problems.js';

export interface PlanItem {
  problem: Problem;
  requirement: string;
  dueAt: Date;
  reason: string;
}

const DAY_MS = 86_400_000;
export const PLAN_PER_GAP = 2;
export const PLAN_MAX = 8;

export function buildPlan(bank: Bank, assessment: FitAssessment, solved: Set<string>, target: string, now = new Date()): PlanItem[] {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const chosen = new Set<string>();
  const items: Omit<PlanItem, 'dueAt'>[] = [];
  for (const gap of realGaps(assessment)) {
    const problems = problemsForSkill(bank, gap.skillId)
      .filter((p) => !solved.has(p.slug) && !chosen.has(p.slug))
      .slice(0, PLAN_PER_GAP);
    for (const problem of problems) {
      chosen.add(problem.slug);
      items.push({ problem, requirement: gap.requirement, reason: `plan for ${target}: practise ${gap.requirement}` });
    }
  }
  return items.slice(0, PLAN_MAX).map((item, i) => ({ ...item, dueAt: new Date(today + i * DAY_MS) }));
}
