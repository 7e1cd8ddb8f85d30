/**
 * /account: the signed-in user's own page: today's AI usage against their daily cap, and their personal API tokens
 * (created with a name, shown once, revoked here; see src/auth/api-tokens.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiToken, listTokens, revokeToken, TokenNameError } from '../auth/api-tokens.js';
import { requireUser, userOf } from '../auth/current-user.js';
import { usageToday } from '../llm/budget-queries.js';
import { usageView } from '../llm/usage-view.js';

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.pool;

  async function accountPage(request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    const user = userOf(request);
    const usage = await usageToday(db, user.id, app.llm.defaultDailyCap);
    const aiConfigured = app.llm.providers().some((p) => p.enabled && p.paid);
    const tokens = await listTokens(db, user);
    return reply.view('pages/site/account.njk', { user, usage: usageView(usage), aiConfigured, tokens, tokenName: '', tokenError: null, ...extra });
  }

  app.get('/account', { preHandler: requireUser }, (request, reply) => accountPage(request, reply));

  // Answered with the page itself, not a redirect: the new token exists only in this response. no-store keeps it out
  // of the browser's cache and history, so it is shown once.
  app.post('/account/tokens', { preHandler: requireUser }, async (request, reply) => {
    const name = (request.body as Record<string, unknown> | undefined)?.name;
    try {
      const created = await createApiToken(db, userOf(request), request.authSession?.token.issuerKind ?? 'supabase', name);
      reply.header('cache-control', 'no-store');
      return accountPage(request, reply, { newToken: created });
    } catch (err) {
      if (!(err instanceof TokenNameError)) throw err;
      return accountPage(request, reply.code(400), { tokenName: typeof name === 'string' ? name : '', tokenError: err.message });
    }
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', { preHandler: requireUser }, async (request, reply) => {
    await revokeToken(db, userOf(request), request.params.id);
    return reply.redirect('/account#api-tokens', 303);
  });
}
