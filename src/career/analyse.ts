/**
 * The three model-backed analyses (a JD, a profile, a fit reading). Each asks the model for JSON, validates it with
 * zod, and otherwise keeps the offline answer with a note saying why: no model, the daily cap, an outage (the LLM
 * layer's notice), or an answer that could not be read (ours). The offline answer is computed first, so it is the
 * same structure whichever path answers.
 */
import { careerFitPrompt } from '../llm/prompts/career-fit.js';
import { careerJdPrompt } from '../llm/prompts/career-jd.js';
import { careerProfilePrompt } from '../llm/prompts/career-profile.js';
import type { FitAssessment } from './fit.js';
import { parseJdOffline } from './jd-offline.js';
import type { LlmPort } from './llm-port.js';
import { analyseProfileOffline } from './profile-offline.js';
import { checkReading, offlineReading, type ReadingContext } from './reading.js';
import { extractJson, jdModelSchema, profileModelSchema, fitReadingModelSchema, type JdParsed, type ProfileAnalysis } from './schemas.js';
import { findSkills } from './skills.js';

export interface Analysed<T> {
  value: T;
  source: 'llm' | 'offline';
  notice: string | null;
}

const UNREADABLE = (what: string) => `The model’s answer could not be read, so this is ${what}.`;
const OFFLINE = '{}';

const skillIdOf = (name: string) => findSkills(name)[0]?.skill.id ?? null;

export async function analyseJd(llm: LlmPort, userId: string, text: string): Promise<Analysed<JdParsed>> {
  const offline = parseJdOffline(text);
  const res = await llm.complete({ userId, feature: 'jd_parsing', prompt: careerJdPrompt.build({ text }), maxOutputTokens: 1500, offline: () => ({ text: OFFLINE }) });
  if (res.source === 'offline') return { value: offline, source: 'offline', notice: res.notice ?? null };
  const parsed = jdModelSchema.safeParse(extractJson(res.text));
  if (!parsed.success) return { value: offline, source: 'offline', notice: UNREADABLE('keyword matching') };
  const req = (r: { name: string; text: string }) => ({ name: r.name, skillId: skillIdOf(r.name), text: r.text });
  return { value: { ...parsed.data, mustHave: parsed.data.mustHave.map(req), niceToHave: parsed.data.niceToHave.map(req) }, source: 'llm', notice: null };
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

export async function analyseProfile(llm: LlmPort, userId: string, text: string): Promise<Analysed<ProfileAnalysis>> {
  const offline = analyseProfileOffline(text);
  const res = await llm.complete({ userId, feature: 'credentials_analysis', prompt: careerProfilePrompt.build({ text }), maxOutputTokens: 2000, offline: () => ({ text: OFFLINE }) });
  if (res.source === 'offline') return { value: offline, source: 'offline', notice: res.notice ?? null };
  const parsed = profileModelSchema.safeParse(extractJson(res.text));
  if (!parsed.success) return { value: offline, source: 'offline', notice: UNREADABLE('the offline analysis') };
  // Evidence must be the CV's own words: a skill the model could not quote a sentence for is left out.
  const cv = normalise(text);
  const quoted = <T extends { evidence: string }>(xs: T[]) => xs.filter((x) => cv.includes(normalise(x.evidence)));
  const skills = quoted(parsed.data.skills).map((s) => ({ name: s.name, skillId: skillIdOf(s.name), evidence: s.evidence }));
  const dropped = parsed.data.skills.length - skills.length;
  const notice = dropped ? `${dropped} skill${dropped === 1 ? '' : 's'} the model named without a sentence from your CV ${dropped === 1 ? 'was' : 'were'} left out.` : null;
  return { value: { skills, seniority: quoted(parsed.data.seniority), years: parsed.data.years }, source: 'llm', notice };
}

export async function readFit(llm: LlmPort, userId: string, ctx: ReadingContext): Promise<Analysed<string>> {
  const offline = offlineReading(ctx);
  const a: FitAssessment = ctx.assessment;
  const res = await llm.complete({
    userId,
    feature: 'iac_fit',
    prompt: careerFitPrompt.build({
      target: [ctx.role, ctx.company].filter(Boolean).join(' at ') || 'this role',
      score: `${a.points} of ${a.maxPoints} points (${a.percent}%)`,
      lines: a.lines.map((l) => `${l.status} — ${l.requirement} (${l.kind}) — ${l.evidence}`),
    }),
    maxOutputTokens: 800,
    offline: () => ({ text: OFFLINE }),
  });
  if (res.source === 'offline') return { value: offline, source: 'offline', notice: res.notice ?? null };
  const parsed = fitReadingModelSchema.safeParse(extractJson(res.text));
  if (!parsed.success) return { value: offline, source: 'offline', notice: UNREADABLE('the offline interpretation') };
  const checked = checkReading(parsed.data.reading, ctx);
  if (!checked.text) return { value: offline, source: 'offline', notice: 'Every sentence of the model’s reading claimed something the assessment does not show, so this is the offline interpretation.' };
  const notice = checked.removed
    ? `${checked.removed} sentence${checked.removed === 1 ? '' : 's'} of the model’s reading ${checked.removed === 1 ? 'was' : 'were'} removed for claiming skills, numbers or seniority the assessment does not show.`
    : null;
  return { value: checked.text, source: 'llm', notice };
}
