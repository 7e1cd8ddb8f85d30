/**
 * Fit pages: /fit compares every job description with the profile; /jobs/:id/fit shows one breakdown line by line,
 * the prose reading (queued, polled in place) and the practice plan, which is scheduled into /progress's "next up".
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser, userOf } from '../auth/current-user.js';
import type { Bank } from '../practice/bank.js';
import { listScheduled } from '../practice/schedule-queries.js';
import { wantsFragment } from '../web/htmx.js';
import type { FitAssessment } from './fit.js';
import { getProfile, getReading, listJobs, type JobRow, type ProfileRow } from './queries.js';
import { fitFor, makePlan, planOrigin, requestReading } from './service.js';
import { noWorkerFor } from './worker-status.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export async function fitRoutes(app: FastifyInstance, opts: { bank: Bank; ownJob: (r: IdRequest) => Promise<JobRow> }): Promise<void> {
  const { bank, ownJob } = opts;
  const pool = app.deps.pool;
  const ready = (p: ProfileRow | null): p is ProfileRow => p?.status === 'ready' && p.analysis !== null;

  app.get('/fit', { preHandler: requireUser }, async (request, reply) => {
    const userId = userOf(request).id;
    const profile = await getProfile(pool, userId);
    const jobs = (await listJobs(pool, userId)).filter((j) => j.parsed);
    const row = async (job: JobRow) => {
      const fit = await fitFor(pool, bank, userId, job.parsed!, profile!);
      const musts = fit.lines.filter((l) => l.kind === 'must');
      return { job, fit, mustMet: musts.filter((l) => l.status === 'met').length, mustTotal: musts.length, gaps: fit.lines.filter((l) => l.status === 'gap').map((l) => l.requirement) };
    };
    const rows = ready(profile) ? await Promise.all(jobs.map(row)) : [];
    rows.sort((a, b) => b.fit.percent - a.fit.percent);
    return reply.view('pages/career/compare.njk', { profile, rows, jobCount: jobs.length });
  });

  async function fitPage(request: IdRequest) {
    const userId = userOf(request).id;
    const job = await ownJob(request);
    const profile = await getProfile(pool, userId);
    const fit: FitAssessment | null = job.parsed && ready(profile) ? await fitFor(pool, bank, userId, job.parsed, profile) : null;
    const reading = await getReading(pool, userId, job.id);
    const plan = (await listScheduled(pool, userId, planOrigin(job.id))).map((s) => ({ ...s, problem: bank.bySlug.get(s.slug) })).filter((s) => s.problem);
    const noWorker = await noWorkerFor(pool, reading?.status === 'analysing');
    return { job, profile, fit, reading, plan, noWorker, readingStale: Boolean(reading && fit && reading.assessment.points !== fit.points) };
  }

  app.get<{ Params: { id: string } }>('/jobs/:id/fit', { preHandler: requireUser }, async (request, reply) =>
    reply.view('pages/career/fit.njk', await fitPage(request)),
  );

  app.post<{ Params: { id: string } }>('/jobs/:id/fit/reading', { preHandler: requireUser }, async (request, reply) => {
    const view = await fitPage(request);
    if (view.fit) await requestReading(pool, userOf(request).id, view.job.id, view.fit);
    if (wantsFragment(request)) return reply.view('partials/career/reading.njk', await fitPage(request));
    return reply.redirect(`/jobs/${encodeURIComponent(view.job.id)}/fit#reading`, 303);
  });

  app.get<{ Params: { id: string } }>('/jobs/:id/fit/reading', { preHandler: requireUser }, async (request, reply) => {
    const view = await fitPage(request);
    if (!wantsFragment(request)) return reply.redirect(`/jobs/${encodeURIComponent(view.job.id)}/fit#reading`, 303);
    return reply.view('partials/career/reading.njk', view);
  });

  app.post<{ Params: { id: string } }>('/jobs/:id/plan', { preHandler: requireUser }, async (request, reply) => {
    const view = await fitPage(request);
    if (view.fit) await makePlan(pool, bank, userOf(request).id, view.job, view.fit);
    if (wantsFragment(request)) return reply.view('partials/career/plan.njk', { ...(await fitPage(request)), planned: true });
    return reply.redirect(`/jobs/${encodeURIComponent(view.job.id)}/fit#plan`, 303);
  });
}
