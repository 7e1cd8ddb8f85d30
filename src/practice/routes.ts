/**
 * Practice pages: the problem list, a problem, an attempt, progress. Every page is a whole document that works
 * without JavaScript; htmx requests get the fragment they target. The actions (submit, hints, drafts, notes,
 * reports) are in action-routes.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser, userOf } from '../auth/current-user.js';
import { DIFFICULTIES, TOPICS, loadBank, type Bank } from './bank.js';
import { buildCatalog, listQuerySchema, STATUSES } from './catalog.js';
import { actionRoutes } from './action-routes.js';
import { adminRoutes } from './admin-routes.js';
import { attemptView } from './attempt-view.js';
import { renderAttemptFragment } from './render.js';
import { wantsFragment } from '../web/htmx.js';
import { crossOriginIsolate } from '../web/isolation.js';
import type { LlmPort } from './llm-port.js';
import type { Queryable } from '../db/pool.js';
import { createPageCache } from './page-cache.js';
import { computeProgress } from './progress.js';
import { listAttemptSummaries, userSlugStats } from './queries.js';
import { listScheduled } from './schedule-queries.js';
import { attemptFor, loadProblemPage, REFUSALS, type PracticeDeps, type RefusalCode } from './service.js';
import { notifyUserChanged } from './user-events.js';

export interface PracticeRoutesOptions {
  bank?: Bank;
  llm?: LlmPort;
  /**
   * The latest models' solve rates per topic for /progress (src/bench/progress.ts, handed in by app.ts: this area
   * does not import benchmarks). Absent: the page shows its empty state.
   */
  modelRates?: (db: Queryable) => Promise<ModelRatesView[]>;
}

/** What /progress shows of one model: its name, when its run finished, and per topic correct of graded. */
export interface ModelRatesView {
  spec: string;
  finishedAt: Date;
  byTopic: Record<string, { correct: number; graded: number; rate: number }>;
}

export async function practiceRoutes(app: FastifyInstance, opts: PracticeRoutesOptions = {}): Promise<void> {
  const deps: PracticeDeps = { pool: app.deps.pool, bank: opts.bank ?? loadBank(), llm: opts.llm ?? app.llm };
  const { pool, bank } = deps;
  const filters = { topics: TOPICS.filter((t) => bank.problems.some((p) => p.topic === t)), difficulties: DIFFICULTIES, statuses: STATUSES };

  const cache = createPageCache(pool, app.log);
  app.addHook('onClose', () => cache.close());
  /** After any write to a user's practice state: drop their cached pages here, and tell the other processes. */
  const changed = async (userId: string) => {
    cache.invalidate(userId);
    await notifyUserChanged(pool, userId);
  };

  /**
   * Serves a page from the cache, or renders it (with the layout's locals) and caches it. `render` says
   * cacheable: false for a page that shows something changing without the user acting.
   */
  async function cached(request: FastifyRequest, reply: FastifyReply, variant: string, render: () => Promise<{ html: string; cacheable: boolean }>) {
    const userId = userOf(request).id;
    const key = `${variant} ${request.url}\n${request.headers.cookie ?? ''}`;
    reply.type('text/html; charset=utf-8').header('vary', 'HX-Request');
    const hit = cache.get(key, userId);
    if (hit) return reply.send(hit);
    const generation = cache.generation(userId);
    const { html, cacheable } = await render();
    return reply.send(cacheable ? cache.set(key, userId, generation, html) : html);
  }

  app.get('/problems', { preHandler: requireUser }, async (request, reply) => {
    const fragment = wantsFragment(request) && request.headers['hx-target'] === 'problem-list';
    return cached(request, reply, fragment ? 'list-fragment' : 'list', async () => {
      const query = listQuerySchema.parse(request.query ?? {});
      const catalog = buildCatalog(bank, await userSlugStats(pool, userOf(request).id), query);
      const template = fragment ? 'partials/practice/problem-list.njk' : 'pages/practice/problems.njk';
      return { html: await reply.viewAsync(template, { catalog, query, filters }), cacheable: true };
    });
  });

  // Cross-origin isolated (see render.ts problemPageView), cached or not.
  app.get<{ Params: { slug: string } }>('/problems/:slug', { preHandler: requireUser }, async (request, reply) =>
    cached(request, crossOriginIsolate(reply), 'problem', () => renderProblemPage(deps, request, reply)),
  );

  app.get<{ Params: { slug: string; id: string } }>('/problems/:slug/attempts/:id', { preHandler: requireUser }, async (request, reply) => {
    const page = await loadProblemPage(pool, bank, userOf(request).id, request.params.slug);
    const attempt = await attemptFor(pool, userOf(request).id, request.params.slug, request.params.id);
    return reply.view('pages/practice/attempt.njk', { ...page, view: await attemptView(pool, page.problem, attempt) });
  });

  // The fragment the problem page polls while an attempt is being graded; it stops polling once the verdict is in.
  app.get<{ Params: { slug: string; id: string }; Querystring: { in?: string } }>(
    '/problems/:slug/attempts/:id/status',
    { preHandler: requireUser },
    async (request, reply) => renderAttemptFragment(deps, request, reply, request.params.slug, request.params.id, request.query.in === 'problem'),
  );

  app.get('/progress', { preHandler: requireUser }, async (request, reply) => {
    const userId = userOf(request).id;
    const progress = computeProgress(bank, await listAttemptSummaries(pool, userId), new Date(), await listScheduled(pool, userId));
    const models = opts.modelRates ? await opts.modelRates(pool) : [];
    return reply.view('pages/practice/progress.njk', { progress, models });
  });

  await app.register(actionRoutes, { deps, changed });
  await app.register(adminRoutes, { deps });
}

/** The problem page, with a refusal or the give-up confirmation named in the query (post/redirect/get). */
async function renderProblemPage(deps: PracticeDeps, request: FastifyRequest<{ Params: { slug: string } }>, reply: FastifyReply): Promise<{ html: string; cacheable: boolean }> {
  const { pool, bank } = deps;
  const page = await loadProblemPage(pool, bank, userOf(request).id, request.params.slug);
  // Only the latest attempt can still be in progress for the user; an older one whose grading failed stays in
  // the history, marked "not graded", instead of bringing its notice back after a later submission.
  const latest = page.attempts[0];
  const pending = latest?.status === 'pending' ? latest : undefined;
  const query = (request.query ?? {}) as Record<string, string>;
  const refused = Object.hasOwn(REFUSALS, query.refused ?? '') ? REFUSALS[query.refused as RefusalCode] : undefined;
  const field = page.problem.kind === 'code' ? 'code' : 'answer';
  const html = await reply.viewAsync('pages/practice/problem.njk', {
    ...page,
    ...(refused ? { errors: { [field]: refused } } : {}),
    pending: pending ? await attemptView(pool, page.problem, pending) : null,
    reported: query.reported === '1',
    confirmGiveUp: query['give-up'] === 'confirm',
  });
  // A pending attempt's progress changes while the user waits: that page is always rendered fresh.
  return { html, cacheable: !pending };
}
