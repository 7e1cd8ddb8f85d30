/**
 * /account: the signed-in user's own page. For now it shows today's AI usage against their daily cap; profile
 * settings can join it later.
 */
import type { FastifyInstance } from 'fastify';
import { requireUser, userOf } from '../auth/current-user.js';
import { usageToday } from '../llm/budget-queries.js';
import { usageView } from '../llm/usage-view.js';

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get('/account', { preHandler: requireUser }, async (request, reply) => {
    const user = userOf(request);
    const usage = await usageToday(app.deps.pool, user.id, app.llm.defaultDailyCap);
    const aiConfigured = app.llm.providers().some((p) => p.enabled && p.paid);
    return reply.view('pages/site/account.njk', { user, usage: usageView(usage), aiConfigured });
  });
}
