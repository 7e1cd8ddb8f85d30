/**
 * Rendering helpers shared by the page and action routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userOf } from '../auth/current-user.js';
import { crossOriginIsolate } from '../web/isolation.js';
import { attemptView } from './attempt-view.js';
import { attemptFor, loadProblemPage, type PracticeDeps } from './service.js';

/**
 * The problem page is cross-origin isolated so the in-browser runner can interrupt a runaway loop without
 * restarting Python (see src/web/isolation.ts); every route that renders it goes through here.
 */
export function problemPageView(reply: FastifyReply, data: Record<string, unknown>) {
  return crossOriginIsolate(reply).view('pages/practice/problem.njk', data);
}

/**
 * The verdict slot as htmx gets it. `onProblemPage` (the submit, and the slot's own polling there with ?in=problem)
 * adds out-of-band copies of everything else on that page a verdict changes, so no part of it goes stale.
 */
export async function renderAttemptFragment(
  deps: PracticeDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  slug: string,
  attemptId: string,
  onProblemPage: boolean,
  submitted = false,
) {
  const page = await loadProblemPage(deps.pool, deps.bank, userOf(request).id, slug);
  const attempt = await attemptFor(deps.pool, userOf(request).id, slug, attemptId);
  const view = await attemptView(deps.pool, page.problem, attempt);
  // While grading, a poll changes nothing else (and must not reset what the user opened, like the give-up step).
  const oobProblemPage = onProblemPage && (submitted || view.final);
  return reply.view('partials/practice/attempt-fragment.njk', { ...page, view, onProblemPage, oobProblemPage });
}
