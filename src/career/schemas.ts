/**
 * The validated shapes of everything the career tools store or show: a parsed job description, an analysed
 * profile, and what the model is allowed to answer for each. A model's JSON is parsed with these before anything
 * is kept; an answer that does not fit falls back to the offline path (see llm.ts).
 */
import { z } from 'zod';

const short = (max: number) => z.string().trim().min(1).max(max);
const nullableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

/** A requirement: its name, the taxonomy skill it maps to (null when the taxonomy has none), and the JD's line. */
export const requirementSchema = z.object({
  name: short(120),
  skillId: z.string().max(60).nullable(),
  text: z.string().trim().max(600),
});
export type Requirement = z.infer<typeof requirementSchema>;

export const jdParsedSchema = z.object({
  company: nullableText(120),
  role: nullableText(160),
  level: nullableText(60),
  location: nullableText(160),
  mustHave: z.array(requirementSchema).max(40),
  niceToHave: z.array(requirementSchema).max(40),
  yearsAskedFor: z.number().int().min(0).max(50).nullable(),
  interviewTopics: z.array(short(160)).max(20),
  redFlags: z.array(short(400)).max(20),
});
export type JdParsed = z.infer<typeof jdParsedSchema>;

/** What the model may answer for a JD: requirements without skill ids (those come from the taxonomy). */
export const jdModelSchema = jdParsedSchema.extend({
  mustHave: z.array(z.object({ name: short(120), text: z.string().trim().max(600).default('') })).max(40),
  niceToHave: z.array(z.object({ name: short(120), text: z.string().trim().max(600).default('') })).max(40),
  yearsAskedFor: z.number().min(0).max(50).nullable().transform((v) => (v === null ? null : Math.round(v))),
  interviewTopics: z.array(short(160)).max(20).default([]),
  redFlags: z.array(short(400)).max(20).default([]),
});

const evidencedSkillSchema = z.object({
  name: short(120),
  skillId: z.string().max(60).nullable(),
  /** The CV's own sentence that shows the skill. */
  evidence: short(600),
});

export const profileAnalysisSchema = z.object({
  skills: z.array(evidencedSkillSchema).max(80),
  seniority: z.array(z.object({ signal: short(120), evidence: short(600) })).max(20),
  years: z.number().int().min(0).max(60).nullable(),
});
export type ProfileAnalysis = z.infer<typeof profileAnalysisSchema>;

export const profileModelSchema = z.object({
  skills: z.array(z.object({ name: short(120), evidence: short(600) })).max(80),
  seniority: z.array(z.object({ signal: short(120), evidence: short(600) })).max(20).default([]),
  years: z.number().min(0).max(60).nullable().transform((v) => (v === null ? null : Math.round(v))),
});

export const fitReadingModelSchema = z.object({ reading: short(4000) });

/** The JSON object in a model's answer (it may wrap it in prose or a code fence), or undefined. */
export function extractJson(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}
