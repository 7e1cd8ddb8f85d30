/**
 * Which bank problems practise a skill: those in one of the skill's bank topics or carrying one of its tags
 * (taxonomy.ts names both). A tag match is closer than a whole topic, so it sorts first; then easier first.
 */
import type { Bank, Problem } from '../practice/bank.js';
import { SKILLS, type Skill } from './taxonomy.js';

const BY_ID = new Map(SKILLS.map((s) => [s.id, s]));
const DIFFICULTY_ORDER = { easy: 0, medium: 1, hard: 2 } as const;

export const skillById = (id: string | null | undefined): Skill | undefined => (id ? BY_ID.get(id) : undefined);

export function problemsForSkill(bank: Bank, skillId: string | null): Problem[] {
  const skill = skillById(skillId);
  if (!skill) return [];
  const tags = new Set(skill.tags ?? []);
  const topics = new Set<string>(skill.topics ?? []);
  const closeness = (p: Problem) => (p.tags.some((t) => tags.has(t)) ? 0 : topics.has(p.topic) ? 1 : 2);
  return bank.problems
    .filter((p) => closeness(p) < 2)
    .sort((a, b) => closeness(a) - closeness(b) || DIFFICULTY_ORDER[a.difficulty] - DIFFICULTY_ORDER[b.difficulty]);
}

/** For a list of skill ids: each skill that the bank can practise, with up to `perSkill` problems. */
export function problemsForSkills(bank: Bank, skillIds: (string | null)[], perSkill = 3): { skill: Skill; problems: Problem[] }[] {
  const seen = new Set<string>();
  const out: { skill: Skill; problems: Problem[] }[] = [];
  for (const id of skillIds) {
    const skill = skillById(id);
    if (!skill || seen.has(skill.id)) continue;
    seen.add(skill.id);
    const problems = problemsForSkill(bank, skill.id).slice(0, perSkill);
    if (problems.length) out.push({ skill, problems });
  }
  return out;
}
