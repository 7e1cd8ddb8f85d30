/**
 * The correction form for a parsed job description: one field per fact, the lists one item a line. The user's
 * lines are mapped back to taxonomy skills the same way a parse is, so a corrected requirement still finds its
 * problems and its evidence; a line whose wording did not change keeps the JD's original sentence.
 */
import { z } from 'zod';
import type { JdParsed, Requirement } from './schemas.js';
import { findSkills } from './skills.js';

const text = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} is too long (at most ${max} characters).`)
    .default('')
    .transform((v) => v || null);

const lines = (maxItems: number, maxLen: number, label: string) =>
  z
    .string()
    .default('')
    .transform((v) => v.split(/\r?\n/).map((l) => l.trim().replace(/^[-*•]\s*/u, '')).filter(Boolean))
    .refine((v) => v.length <= maxItems, `${label}: at most ${maxItems} lines.`)
    .refine((v) => v.every((l) => l.length <= maxLen), `${label}: each line at most ${maxLen} characters.`);

export const jdEditSchema = z.object({
  company: text(120, 'Company'),
  role: text(160, 'Role'),
  level: text(60, 'Level'),
  location: text(160, 'Location'),
  yearsAskedFor: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{1,2}$/.test(v) && Number(v) <= 50), 'Years: a whole number from 0 to 50, or leave it empty.')
    .transform((v) => (v === '' ? null : Number(v))),
  mustHave: lines(40, 120, 'Must-haves'),
  niceToHave: lines(40, 120, 'Nice-to-haves'),
  interviewTopics: lines(20, 160, 'Interview topics'),
  redFlags: lines(20, 400, 'Red flags'),
});

function requirements(names: string[], before: Requirement[]): Requirement[] {
  return names.map((name) => {
    const kept = before.find((r) => r.name === name);
    return kept ?? { name, skillId: findSkills(name)[0]?.skill.id ?? null, text: '' };
  });
}

export function correctedJd(form: z.infer<typeof jdEditSchema>, before: JdParsed | null): JdParsed {
  const all = [...(before?.mustHave ?? []), ...(before?.niceToHave ?? [])];
  return { ...form, mustHave: requirements(form.mustHave, all), niceToHave: requirements(form.niceToHave, all) };
}

/** The form's values for a parsed JD: lists as one item a line. */
export function editValues(p: JdParsed): Record<string, string> {
  return {
    company: p.company ?? '',
    role: p.role ?? '',
    level: p.level ?? '',
    location: p.location ?? '',
    yearsAskedFor: p.yearsAskedFor === null ? '' : String(p.yearsAskedFor),
    mustHave: p.mustHave.map((r) => r.name).join('\n'),
    niceToHave: p.niceToHave.map((r) => r.name).join('\n'),
    interviewTopics: p.interviewTopics.join('\n'),
    redFlags: p.redFlags.join('\n'),
  };
}
