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

export async function renderAttemptFragment(deps: PracticeDeps, request: FastifyRequest, reply: FastifyReply, slug: string, attemptId: string) {
  const page = await loadProblemPage(deps.pool, deps.bank, userOf(request).id, slug);
  const attempt = await attemptFor(deps.pool, userOf(request).id, slug, attemptId);
  const view = await attemptView(deps.pool, page.problem, attempt);
  // Once an attempt passes, the solution section below the editor is swapped in too (out of band).
  return reply.view('partials/practice/attempt-fragment.njk', { ...page, view, oobSolution: view.final && page.solutionShown });
}
