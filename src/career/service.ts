/**
 * Career tools: adding a job description (pasted, or a URL the worker fetches), the profile, the fit reading and
 * the plan. Every write queues its analysis on the run queue in the same transaction, so a row never waits for a
 * run that was not queued; the worker does the slow part (analysis.ts). No Fastify.
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/pool.js';
import { checkUrl } from '../library/address.js';
import type { Bank } from '../practice/bank.js';
import { listAttemptSummaries } from '../practice/queries.js';
import { scheduleProblems } from '../practice/schedule-queries.js';
import { enqueueRun } from '../runs/enqueue.js';
import { assessFit, type FitAssessment } from './fit.js';
import { buildPlan, type PlanItem } from './plan.js';
import { problemsForSkill } from './problems.js';
import * as q from './queries.js';
import type { JdParsed } from './schemas.js';

export const CAREER_RUN_KIND = 'career-analyse';
export type CareerTarget = { target: 'job'; id: string } | { target: 'profile'; userId: string } | { target: 'reading'; id: string };

const MAX_TEXT = 40_000;

export const jobInputSchema = z
  .object({
    text: z.string().trim().max(MAX_TEXT, 'That is too long (at most 40,000 characters).').default(''),
    url: z
      .string()
      .trim()
      .max(2000, 'That address is too long (at most 2,000 characters).')
      .default('')
      .superRefine((v, ctx) => {
        if (!v) return;
        const checked = checkUrl(v);
        if (!checked.ok) ctx.addIssue({ code: 'custom', message: `${checked.message} Only public http:// and https:// pages can be fetched.` });
      }),
  })
  .superRefine((v, ctx) => {
    if (!v.text && !v.url) ctx.addIssue({ code: 'custom', path: ['text'], message: 'Paste the job description, or give its address below.' });
    else if (v.text && v.text.length < 40) ctx.addIssue({ code: 'custom', path: ['text'], message: 'That is too short to be a job description (at least 40 characters).' });
  });

export const profileInputSchema = z.object({
  text: z
    .string({ message: 'Paste your CV or a summary of your experience.' })
    .trim()
    .min(40, 'Paste your CV or a summary of your experience (at least 40 characters).')
    .max(MAX_TEXT, 'That is too long (at most 40,000 characters).'),
});

const queue = (db: Queryable, ownerId: string, payload: CareerTarget) =>
  enqueueRun(db, { kind: CAREER_RUN_KIND, ownerId, payload, maxAttempts: 2 });

export async function addJob(pool: pg.Pool, userId: string, input: z.infer<typeof jobInputSchema>): Promise<string> {
  return withTransaction(pool, async (tx) => {
    // Pasted text wins over a URL: the URL is then kept as where the text came from, not fetched.
    const id = await q.insertJob(tx, { userId, sourceUrl: input.url || null, rawText: input.text || null });
    await queue(tx, userId, { target: 'job', id });
    return id;
  });
}

export async function saveProfile(pool: pg.Pool, userId: string, text: string): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await q.saveProfileText(tx, userId, text);
    await queue(tx, userId, { target: 'profile', userId });
  });
}

export async function requestReading(pool: pg.Pool, userId: string, jobId: string, assessment: FitAssessment): Promise<void> {
  await withTransaction(pool, async (tx) => {
    await q.startReading(tx, userId, jobId, assessment);
    await queue(tx, userId, { target: 'reading', id: jobId });
  });
}

export async function correctJob(db: Queryable, userId: string, id: string, parsed: JdParsed): Promise<boolean> {
  return q.saveJobCorrections(db, userId, id, parsed);
}

/** Slugs the user has solved (any passing attempt). */
async function solvedSlugs(db: Queryable, userId: string): Promise<Set<string>> {
  return new Set((await listAttemptSummaries(db, userId)).filter((a) => a.status === 'passed').map((a) => a.slug));
}

/** The fit of one parsed JD against the user's analysed profile, with what they have solved on Bench as evidence. */
export async function fitFor(db: Queryable, bank: Bank, userId: string, jd: JdParsed, profile: q.ProfileRow): Promise<FitAssessment> {
  const solved = await solvedSlugs(db, userId);
  const practised = new Map<string, string>();
  for (const r of [...jd.mustHave, ...jd.niceToHave]) {
    const hit = problemsForSkill(bank, r.skillId).find((p) => solved.has(p.slug));
    if (hit && r.skillId) practised.set(r.skillId, hit.title);
  }
  return assessFit({ jd, profile: profile.analysis!, profileText: profile.rawText, practised });
}

export const planOrigin = (jobId: string) => `job:${jobId}`;

/** Builds the plan from the fit's real gaps and schedules it into "next up". */
export async function makePlan(db: Queryable, bank: Bank, userId: string, job: q.JobRow, assessment: FitAssessment): Promise<PlanItem[]> {
  const target = [job.parsed?.role, job.parsed?.company].filter(Boolean).join(' at ') || `job description ${job.id}`;
  const plan = buildPlan(bank, assessment, await solvedSlugs(db, userId), target);
  await scheduleProblems(db, userId, planOrigin(job.id), plan.map((p) => ({ slug: p.problem.slug, dueAt: p.dueAt, reason: p.reason.slice(0, 300) })));
  return plan;
}
