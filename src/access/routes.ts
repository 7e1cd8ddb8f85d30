/**
 * The public side of access: /request-access (anyone), and /not-allowed for someone signed in but not on the list.
 * POST /request-access has two per-IP limits: a coarse one on every POST (by path, web/security.ts), and
 * ACCEPTED_ACCESS_REQUESTS on requests that pass validation, so refused forms never count toward it. When that one
 * is reached, the form comes back with what was typed and says when to try again.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Inviter } from '../auth/supabase-admin.js';
import { parseForm } from '../web/forms.js';
import { publicBaseUrl } from '../web/public-url.js';
import { createMailer, type Mailer } from './notify.js';
import { requestAccessSchema, submitAccessRequest, type AccessDeps } from './service.js';

export function accessDeps(app: FastifyInstance, request: FastifyRequest, mailer: Mailer, inviter: Inviter | null = null): AccessDeps {
  return { config: app.deps.config, db: app.deps.pool, mailer, inviter, log: request.log, baseUrl: publicBaseUrl(app.deps.config, request) };
}

/** Accepted requests per IP: the limit people actually meet (failed submissions do not count). */
export const ACCEPTED_ACCESS_REQUESTS = { max: 10, timeWindow: 3_600_000 } as const;

/** The honeypot: a field people never see (hidden by CSS, skipped by tab order) but form-filling bots do fill. */
const HONEYPOT = 'website';

export async function accessRoutes(app: FastifyInstance, opts: { mailer?: Mailer } = {}): Promise<void> {
  const mailer = opts.mailer ?? createMailer(app.deps.config, app.deps.reporter);
  // @fastify/rate-limit's own counter (its store, its window), consulted only for a valid form.
  let accepted: ReturnType<FastifyInstance['createRateLimit']> | undefined;
  const acceptedLimit = (request: FastifyRequest) =>
    (accepted ??= app.createRateLimit({ ...ACCEPTED_ACCESS_REQUESTS, keyGenerator: (r) => `accepted-access:${r.clientIp}` }))(request);

  app.get('/request-access', async (request, reply) => {
    const email = request.signedInNotAllowed?.email ?? request.user?.email ?? '';
    return reply.view('pages/access/request.njk', { values: { email }, errors: {} });
  });

  app.post<{ Body: Record<string, unknown> }>('/request-access', async (request, reply) => {
    const body = request.body ?? {};
    if (typeof body[HONEYPOT] === 'string' && body[HONEYPOT] !== '') {
      request.log.info({ ip: request.clientIp }, 'access request honeypot filled: dropped');
      return reply.view('pages/access/request-sent.njk', { merged: false });
    }
    const form = parseForm(requestAccessSchema, body);
    if (!form.ok) {
      reply.status(422);
      return reply.view('pages/access/request.njk', { values: form.values, errors: form.errors });
    }
    // Only a verified token links the request to an account, and only when the token's own e-mail is the one typed
    // in: otherwise anyone signed in could type someone else's address and have their own account let in when the
    // operator approves that person. A request for another address is still saved, and approving it lets in
    // whoever signs in with that address.
    const limit = await acceptedLimit(request);
    // isAllowed means allow-listed (never counted); isExceeded is the verdict on this request.
    if (!limit.isAllowed && limit.isExceeded) {
      const minutes = Math.max(1, Math.ceil(limit.ttlInSeconds / 60));
      reply.status(429).header('retry-after', String(limit.ttlInSeconds));
      const message = `This network has sent ${limit.max} access requests in the last hour. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}; what you typed is kept below.`;
      return reply.view('pages/access/request.njk', { values: body, errors: {}, limited: message });
    }
    const account = request.signedInNotAllowed;
    const userId = account?.email && account.email.toLowerCase() === form.data.email.toLowerCase() ? account.id : null;
    const result = await submitAccessRequest(accessDeps(app, request, mailer), form.data, userId);
    request.log.info({ accessRequestId: result.id, merged: result.merged, operatorEmail: result.operatorEmail }, 'access requested');
    return reply.view('pages/access/request-sent.njk', { merged: result.merged });
  });

  app.get('/not-allowed', async (request, reply) => {
    if (request.user) return reply.redirect('/');
    if (!request.signedInNotAllowed) return reply.redirect('/login');
    reply.status(403);
    return reply.view('pages/access/not-allowed.njk', { email: request.signedInNotAllowed.email });
  });
}
