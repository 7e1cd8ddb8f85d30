/**
 * /feedback (anyone: the form linked from every page's footer; signed-out visitors go through a honeypot and a
 * per-IP limit on accepted messages, on top of the coarse per-IP limit on every POST in web/security.ts) and
 * /admin/feedback (the operator: read it, and promote a row to a GitHub issue). /admin routes answer 404 to
 * non-admins (web/security.ts, and requireAdmin here as well).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin, userOf } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { publicBaseUrl } from '../web/public-url.js';
import type { IssueFiler } from './github.js';
import { listFeedback } from './queries.js';
import { isHtmx } from '../web/htmx.js';
import { FEEDBACK_KINDS, feedbackSchema, issueFilerFor, pagePath, promoteFeedback, submitFeedback } from './service.js';

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/) });

/** Accepted messages per IP from signed-out visitors: the limit a person meets before the coarse one. */
export const SIGNED_OUT_FEEDBACK = { max: 5, timeWindow: 3_600_000 } as const;

/** The honeypot: a field people never see (moved off screen by CSS, skipped by tab order) but form-filling bots fill. */
const HONEYPOT = 'website';

export async function feedbackRoutes(app: FastifyInstance, opts: { filer?: IssueFiler | null } = {}): Promise<void> {
  const filer = opts.filer === undefined ? issueFilerFor(app.deps.config) : opts.filer;
  // @fastify/rate-limit's own counter, consulted only for a valid message from a signed-out visitor.
  let signedOutLimit: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  const limitSignedOut = (request: FastifyRequest) =>
    (signedOutLimit ??= app.createRateLimit({ ...SIGNED_OUT_FEEDBACK, keyGenerator: (r) => `signed-out-feedback:${r.clientIp}` }))(request);
  const formPage = (reply: FastifyReply, values: Record<string, unknown>, errors: Record<string, string>, limited?: string) =>
    reply.view('pages/feedback/form.njk', { kinds: FEEDBACK_KINDS, values: { ...values, page: pagePath(values.page) }, errors, limited });

  app.get<{ Querystring: { from?: string } }>('/feedback', async (request, reply) => formPage(reply, { page: request.query.from }, {}));

  app.post<{ Body: Record<string, unknown> }>('/feedback', async (request, reply) => {
    const body = request.body ?? {};
    // A bot gets the same thank-you page as a person and learns nothing; the message is dropped.
    if (!request.user && typeof body[HONEYPOT] === 'string' && body[HONEYPOT] !== '') {
      request.log.info({ ip: request.clientIp }, 'feedback honeypot filled: dropped');
      return reply.view('pages/feedback/sent.njk', { page: pagePath(body.page) });
    }
    const form = parseForm(feedbackSchema, body);
    if (!form.ok) return formPage(reply.status(422), form.values, form.errors);
    if (!request.user) {
      const limit = await limitSignedOut(request);
      if (!limit.isAllowed && limit.isExceeded) {
        const minutes = Math.max(1, Math.ceil(limit.ttlInSeconds / 60));
        reply.status(429).header('retry-after', String(limit.ttlInSeconds));
        const message = `This network has sent ${limit.max} messages without signing in in the last hour. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or sign in; what you typed is kept below.`;
        return formPage(reply, body, {}, message);
      }
    }
    const id = await submitFeedback(app.deps.pool, request.user?.id ?? null, form.data);
    request.log.info({ feedbackId: id, kind: form.data.kind }, 'feedback received');
    return reply.view('pages/feedback/sent.njk', { page: form.data.page });
  });

  app.get('/admin/feedback', { preHandler: requireAdmin }, async (_request, reply) =>
    reply.view('pages/feedback/admin.njk', { items: await listFeedback(app.deps.pool), githubRepo: filer?.repo ?? null }),
  );

  app.post('/admin/feedback/:id/promote', { preHandler: requireAdmin }, async (request, reply) => {
    const parsed = idParam.safeParse(request.params);
    if (!parsed.success) throw new AppError('not_found', 'No such feedback.');
    const deps = { db: app.deps.pool, filer, baseUrl: publicBaseUrl(app.deps.config, request) };
    const outcome = await promoteFeedback(deps, parsed.data.id, userOf(request).id);
    if (outcome.ok) request.log.info({ feedbackId: parsed.data.id, issue: outcome.feedback.githubIssueUrl }, 'feedback filed on GitHub');
    else request.log.warn({ feedbackId: parsed.data.id, error: outcome.error }, 'filing feedback on GitHub failed');
    // The error is on the row either way, so a plain form post can go back to the list (post/redirect/get).
    if (!isHtmx(request)) return reply.redirect(`/admin/feedback#feedback-${encodeURIComponent(parsed.data.id)}`, 303);
    // 200 even when GitHub failed: the fragment is the row with the error beside it, and htmx swaps only 2xx.
    return reply.view('partials/feedback/item.njk', { f: outcome.feedback, githubRepo: filer?.repo ?? null, justPromoted: outcome.ok });
  });
}
