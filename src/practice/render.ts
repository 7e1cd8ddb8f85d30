/**
 * Rendering helpers shared by the page and action routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userOf } from '../auth/current-user.js';
import { attemptView } from './attempt-view.js';
import type { Problem } from './bank.js';
import { attemptFor, loadProblemPage, type PracticeDeps } from './service.js';

/** htmx asked for a fragment (and is not restoring history, which needs the whole page). */
export function wantsFragment(request: FastifyRequest): boolean {
  return Boolean(request.headers['hx-request']) && !request.headers['hx-history-restore-request'];
}

/** JSON for a <script type="application/json"> block: `<` escaped so no text in it can close the element. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Per-problem data that never changes while the process runs, computed once instead of per request. */
const visibleTestsCache = new WeakMap<Problem, string>();
export function visibleTestsJson(problem: Problem): string {
  let json = visibleTestsCache.get(problem);
  if (json === undefined) {
    json = jsonForScript({ slug: problem.slug, version: problem.hash, tests: [{ name: 'visible', source: problem.testsVisible ?? '' }] });
    visibleTestsCache.set(problem, json);
  }
  return json;
}

export async function renderAttemptFragment(deps: PracticeDeps, request: FastifyRequest, reply: FastifyReply, slug: string, attemptId: string) {
  const page = await loadProblemPage(deps.pool, deps.bank, userOf(request).id, slug);
  const attempt = await attemptFor(deps.pool, userOf(request).id, slug, attemptId);
  const view = await attemptView(deps.pool, page.problem, attempt);
  // Once an attempt passes, the solution section below the editor is swapped in too (out of band).
  return reply.view('partials/practice/attempt-fragment.njk', { ...page, view, oobSolution: view.final && page.solutionShown });
}
