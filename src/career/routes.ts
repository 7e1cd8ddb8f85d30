/**
 * /jobs (job descriptions: add, view, correct) and /profile (the CV). Adding queues the analysis on the run queue;
 * the page shows a progress indicator that htmx polls until the result replaces it in place (without JavaScript, a
 * reload shows it). Every read names the signed-in user: someone else's JD is a 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser, userOf } from '../auth/current-user.js';
import { notFound } from '../errors.js';
import { loadBank, type Bank } from '../practice/bank.js';
import { parseForm } from '../web/forms.js';
import { wantsFragment } from '../web/htmx.js';
import { itemsForJob } from '../library/job-link-queries.js';
import { correctedJd, editValues, jdEditSchema } from './edit.js';
import { fitRoutes } from './fit-routes.js';
import { problemsForSkills } from './problems.js';
import { getJob, getProfile, listJobs, type JobRow } from './queries.js';
import { noWorkerFor } from './worker-status.js';
import { addJob, correctJob, jobInputSchema, profileInputSchema, saveProfile } from './service.js';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

export async function careerRoutes(app: FastifyInstance, opts: { bank?: Bank } = {}): Promise<void> {
  const bank = opts.bank ?? loadBank();
  const pool = app.deps.pool;

  async function ownJob(request: IdRequest): Promise<JobRow> {
    const job = await getJob(pool, userOf(request).id, request.params.id);
    if (!job) throw notFound('Job description');
    return job;
  }
  const jobView = async (job: JobRow) => ({
    job,
    noWorker: await noWorkerFor(pool, job.status === 'analysing'),
    problems: job.parsed ? problemsForSkills(bank, [...job.parsed.mustHave, ...job.parsed.niceToHave].map((r) => r.skillId)) : [],
  });
  // The whole page adds the library items the user linked to this JD (linked from the item's page).
  const jobPage = async (job: JobRow) => ({ ...(await jobView(job)), libraryItems: await itemsForJob(pool, job.userId, job.id) });
  const jobsPage = async (request: FastifyRequest, reply: FastifyReply, form: { values: object; errors: object }) =>
    reply.view('pages/career/jobs.njk', { jobs: await listJobs(pool, userOf(request).id), hasProfile: Boolean(await getProfile(pool, userOf(request).id)), ...form });

  app.get('/jobs', { preHandler: requireUser }, async (request, reply) => jobsPage(request, reply, { values: {}, errors: {} }));

  app.post<{ Body: Record<string, unknown> }>('/jobs', { preHandler: requireUser }, async (request, reply) => {
    const form = parseForm(jobInputSchema, request.body);
    if (!form.ok) return jobsPage(request, reply.status(422), form);
    const id = await addJob(pool, userOf(request).id, form.data);
    return reply.redirect(`/jobs/${encodeURIComponent(id)}`, 303);
  });

  app.get<{ Params: { id: string } }>('/jobs/:id', { preHandler: requireUser }, async (request, reply) =>
    reply.view('pages/career/job.njk', await jobPage(await ownJob(request))),
  );

  // What htmx polls while the analysis runs; without htmx it is the whole page.
  app.get<{ Params: { id: string } }>('/jobs/:id/result', { preHandler: requireUser }, async (request, reply) => {
    const job = await ownJob(request);
    if (!wantsFragment(request)) return reply.redirect(`/jobs/${encodeURIComponent(job.id)}`, 303);
    return reply.view('partials/career/job-result.njk', { ...(await jobView(job)), fragment: true });
  });

  app.get<{ Params: { id: string } }>('/jobs/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const job = await ownJob(request);
    if (!job.parsed) return reply.redirect(`/jobs/${encodeURIComponent(job.id)}`, 303);
    return reply.view('pages/career/job-edit.njk', { job, values: editValues(job.parsed), errors: {} });
  });

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/jobs/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const job = await ownJob(request);
    const form = parseForm(jdEditSchema, request.body);
    if (!form.ok) return reply.status(422).view('pages/career/job-edit.njk', { job, values: form.values, errors: form.errors });
    await correctJob(pool, userOf(request).id, job.id, correctedJd(form.data, job.parsed));
    return reply.redirect(`/jobs/${encodeURIComponent(job.id)}`, 303);
  });

  const profilePage = async (request: FastifyRequest, reply: FastifyReply, form?: { values: object; errors: object }) => {
    const profile = await getProfile(pool, userOf(request).id);
    const noWorker = await noWorkerFor(pool, profile?.status === 'analysing');
    return reply.view('pages/career/profile.njk', { profile, noWorker, values: form?.values ?? { text: profile?.rawText ?? '' }, errors: form?.errors ?? {} });
  };

  app.get('/profile', { preHandler: requireUser }, async (request, reply) => profilePage(request, reply));

  app.post<{ Body: Record<string, unknown> }>('/profile', { preHandler: requireUser }, async (request, reply) => {
    const form = parseForm(profileInputSchema, request.body);
    if (!form.ok) return profilePage(request, reply.status(422), form);
    await saveProfile(pool, userOf(request).id, form.data.text);
    return reply.redirect('/profile', 303);
  });

  app.get('/profile/result', { preHandler: requireUser }, async (request, reply) => {
    if (!wantsFragment(request)) return reply.redirect('/profile', 303);
    const profile = await getProfile(pool, userOf(request).id);
    return reply.view('partials/career/profile-result.njk', { profile, noWorker: await noWorkerFor(pool, profile?.status === 'analysing') });
  });

  await app.register(fitRoutes, { bank, ownJob });
}
