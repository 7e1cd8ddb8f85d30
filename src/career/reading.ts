/**
 * The prose reading of a fit. Offline, a template over the assessment. From a model, every sentence is checked
 * against the assessment it was given: a sentence naming a taxonomy skill the assessment does not list, a number it
 * does not contain, or a seniority word neither the JD nor the CV uses is removed, so the reading cannot invent
 * skills, figures or seniority the CV does not show.
 */
import type { FitAssessment } from './fit.js';
import { findSkills } from './skills.js';

export interface ReadingContext {
  assessment: FitAssessment;
  role: string | null;
  company: string | null;
  /** Seniority words the JD's level or the CV's own evidence use. */
  seniorityText: string;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`);

export function offlineReading(ctx: ReadingContext): string {
  const { assessment: a } = ctx;
  const by = (s: string) => a.lines.filter((l) => l.status === s).map((l) => l.requirement);
  const target = [ctx.role, ctx.company].filter(Boolean).join(' at ') || 'this role';
  const parts = [`For ${target}, the CV scores ${fmt(a.points)} of ${fmt(a.maxPoints)} points (${a.percent}%).`];
  if (by('met').length) parts.push(`It shows ${list(by('met'))}.`);
  if (by('partly').length) parts.push(`It partly covers ${list(by('partly'))} through related experience.`);
  if (by('unstated').length) parts.push(`It does not state ${list(by('unstated'))}, though other evidence suggests them: saying so in the CV would help.`);
  if (by('gap').length) parts.push(`Nothing shows ${list(by('gap'))}; these are the gaps to work on.`);
  if (!a.lines.length) parts.push('The job description lists no requirements to compare against; correct it on its edit page.');
  return parts.join(' ');
}

const SENIORITY_WORDS = /\b(junior|mid-level|senior|staff|principal|lead|head|director|distinguished|expert|veteran)\b/gi;

function allowedNumbers(ctx: ReadingContext): Set<string> {
  const a = ctx.assessment;
  const nums = [a.points, a.maxPoints, a.percent, a.lines.length, ...a.lines.flatMap((l) => [l.weight, l.points])];
  const fromText = [ctx.role, ctx.company, ...a.lines.flatMap((l) => [l.requirement, l.evidence])].join(' ').match(/\d+(?:\.\d+)?/g) ?? [];
  return new Set([...nums.map(fmt), ...nums.map(String), ...fromText]);
}

/** Splits prose into sentences, keeping their punctuation. */
const sentences = (text: string) => text.match(/[^.!?]+(?:[.!?]+|$)/g)?.map((s) => s.trim()).filter(Boolean) ?? [];

export function checkReading(text: string, ctx: ReadingContext): { text: string; removed: number } {
  const skills = new Set(ctx.assessment.lines.map((l) => l.skillId).filter(Boolean));
  const known = [ctx.role, ctx.company, ...ctx.assessment.lines.flatMap((l) => [l.requirement, l.evidence])].join('\n');
  for (const m of findSkills(known)) skills.add(m.skill.id);
  const numbers = allowedNumbers(ctx);
  const seniority = new Set((`${ctx.seniorityText} ${ctx.role ?? ''}`.match(SENIORITY_WORDS) ?? []).map((w) => w.toLowerCase()));
  const kept: string[] = [];
  let removed = 0;
  for (const s of sentences(text)) {
    const badSkill = findSkills(s).some((m) => !skills.has(m.skill.id));
    const badNumber = (s.match(/\d+(?:\.\d+)?/g) ?? []).some((n) => !numbers.has(n));
    const badSeniority = (s.match(SENIORITY_WORDS) ?? []).some((w) => !seniority.has(w.toLowerCase()));
    if (badSkill || badNumber || badSeniority) removed++;
    else kept.push(s);
  }
  return { text: kept.join(' '), removed };
}
