/**
 * Analysing a CV without a model: every taxonomy skill it mentions, each with the CV's own sentence as evidence;
 * sentences that signal seniority (leading, mentoring, owning); and the years of experience it states, or else the
 * span of the dates it gives. Nothing is inferred that the text does not say.
 */
import type { ProfileAnalysis } from './schemas.js';
import { findSkills, sentenceAround, unwrapLines } from './skills.js';

const SENIORITY: [string, RegExp][] = [
  ['senior title', /\b(senior|staff|principal|distinguished)\b/i],
  ['lead role', /\b(tech(nical)? lead|team lead|lead (engineer|scientist|researcher)|head of)\b/i],
  ['led work', /\b(led|leading|spearheaded|drove)\b/i],
  ['managed people', /\b(managed|manager of|line[- ]managed|hired)\b/i],
  ['mentoring', /\b(mentor(ed|ing)?|coached)\b/i],
  ['ownership', /\b(owned|ownership of|architected|designed and built)\b/i],
];

function seniorityOf(text: string): ProfileAnalysis['seniority'] {
  const out: ProfileAnalysis['seniority'] = [];
  for (const [signal, re] of SENIORITY) {
    const m = re.exec(text);
    if (m) out.push({ signal, evidence: sentenceAround(text, m.index, m.index + m[0].length).slice(0, 600) });
  }
  return out;
}

/** "7 years of experience" (the largest stated), else the span from the earliest to the latest year in a date range. */
export function yearsOf(text: string, now = new Date()): number | null {
  const stated = [...text.matchAll(/\b(\d{1,2})\+?\s*years?(?:['’]s)?\s+(?:of\s+)?(?:[a-z-]+\s+)?(?:experience|work)/gi)].map((m) => Number(m[1]));
  if (stated.length) return Math.min(60, Math.max(...stated));
  const thisYear = now.getUTCFullYear();
  const ranges = [...text.matchAll(/\b((?:19|20)\d{2})\s*(?:-|–|—|to)\s*((?:19|20)\d{2}|present|now|current|today)\b/gi)];
  if (!ranges.length) return null;
  const starts = ranges.map((m) => Number(m[1]));
  const ends = ranges.map((m) => (/^\d/.test(m[2]!) ? Number(m[2]) : thisYear));
  const span = Math.max(...ends) - Math.min(...starts);
  return span >= 0 && span <= 60 ? span : null;
}

export function analyseProfileOffline(raw: string, now = new Date()): ProfileAnalysis {
  const text = unwrapLines(raw);
  return {
    skills: findSkills(text)
      .slice(0, 80)
      .map((m) => ({ name: m.skill.name, skillId: m.skill.id, evidence: m.mentions[0]!.sentence.slice(0, 600) || m.mentions[0]!.text })),
    seniority: seniorityOf(text),
    years: yearsOf(text, now),
  };
}
