/**
 * Admin pages for the LLM layer: /admin/providers (each provider's status and reason, and a "test" button that
 * sends a tiny prompt through the chosen provider -- the same round trip as the gated /__claude/test), and /admin/usage (every
 * user's usage today, reset a user's day, set a user's own cap). Admin only: everyone else gets a 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireAdmin, userOf } from '../auth/current-user.js';
import { notFound } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { isHtmx } from '../web/htmx.js';
import { diagnosticsEnabled } from '../web/security.js';
import { listUsageToday, type UserUsageRow } from './budget-queries.js';
import { priceText } from './models.js';
import { PRICE_TABLE } from './prices.js';
import { ALL_PROMPTS } from './prompts/index.js';
import { providerCheckPrompt } from './prompts/provider-check.js';
import { listRecentCalls } from './telemetry-queries.js';
import type { CompleteResult } from './types.js';
import { resetUserToday, setDailyCap } from './usage-service.js';
import { usageView } from './usage-view.js';

const MAX_CAP = 1_000_000_000;

const capForm = z.object({
  cap: z
    .string()
    .trim()
    .regex(/^\d*$/, 'Enter a whole number of tokens, or leave empty for the default')
    .transform((v) => (v === '' ? null : Number(v)))
    .pipe(z.number().max(MAX_CAP, `At most ${MAX_CAP.toLocaleString('en-US')} tokens`).nullable()),
});

const userParam = z.object({ userId: z.uuid() });

export async function llmAdminRoutes(app: FastifyInstance): Promise<void> {
  // Hooks are scoped to this plugin: every route below is admin-only.
  app.addHook('preHandler', requireAdmin);

  const config = app.deps.config;
  // The test button spends real tokens, so it follows the same gate as the diagnostics routes.
  const testAllowed = diagnosticsEnabled(config);

  const providersPage = (reply: FastifyReply, extra: Record<string, unknown> = {}) =>
    reply.view('pages/llm/providers.njk', {
      providers: app.llm.providers().map((p) => ({ ...p, modelInfo: p.models.map((id) => ({ id, price: priceText(id) })) })),
      testAllowed,
      priceTable: { version: PRICE_TABLE.version, checkedOn: PRICE_TABLE.checkedOn, source: PRICE_TABLE.source, models: Object.entries(PRICE_TABLE.models) },
      prompts: ALL_PROMPTS.map((p) => ({ id: p.id, version: p.version })),
      csrfToken: reply.generateCsrf(),
      ...extra,
    });

  app.get('/admin/providers', async (_request, reply) => providersPage(reply));

  // Listing models costs no tokens, so unlike the test button this is not gated on diagnostics.
  app.post('/admin/providers/sync', async (_request, reply) => providersPage(reply, { syncResults: await app.llm.syncModels() }));

  app.post('/admin/providers/test', async (request, reply) => {
    if (!testAllowed) throw notFound();
    const names = app.llm.providers().map((p) => p.name);
    const form = parseForm(z.object({ provider: z.enum(names as [string, ...string[]], { message: 'Choose a provider' }) }), request.body);
    if (!form.ok) {
      reply.status(422);
      if (isHtmx(request)) return reply.view('partials/llm/test-result.njk', { error: form.errors.provider });
      return providersPage(reply, { testError: form.errors.provider, chosen: form.values.provider });
    }
    const nonce = 'ready';
    const result: CompleteResult = await app.llm.complete({
      userId: userOf(request).id,
      feature: 'provider_test',
      provider: form.data.provider,
      prompt: providerCheckPrompt.build({ nonce }),
      maxOutputTokens: 16,
      offline: () => ({ text: `${nonce} (offline)` }),
      requestId: request.id,
    });
    const view = { result, provider: form.data.provider, answered: result.text.toLowerCase().includes(nonce) };
    if (isHtmx(request)) return reply.view('partials/llm/test-result.njk', view);
    return providersPage(reply, { test: view, chosen: form.data.provider });
  });

  usageRoutes(app);
}

/** /admin/usage: every user's usage today, reset a user's day, set a user's own cap (admin-only via the hook above). */
function usageRoutes(app: FastifyInstance): void {
  const rowFor = async (userId: string): Promise<UserUsageRow> => {
    const [row] = await listUsageToday(app.deps.pool, app.llm.defaultDailyCap, { userId });
    if (!row) throw notFound('User');
    return row;
  };
  type CapError = { message: string; value: unknown };
  /** One table row: the usage as shown, the cap field's value (kept as typed after an error), and a status line. */
  const rowView = (row: UserUsageRow, extra: { error?: CapError; flash?: string } = {}) => ({
    ...row,
    usage: usageView(row),
    capInput: extra.error ? String(extra.error.value ?? '') : row.customCap ? String(row.capTokens) : '',
    ...extra,
  });
  const defaultCap = () => app.llm.defaultDailyCap.toLocaleString('en-US');

  const usagePage = async (reply: FastifyReply, errors: Record<string, CapError> = {}) => {
    const rows = await listUsageToday(app.deps.pool, app.llm.defaultDailyCap);
    return reply.view('pages/llm/usage.njk', {
      rows: rows.map((r) => rowView(r, { error: errors[r.userId] })),
      calls: await listRecentCalls(app.deps.pool, 50),
      defaultCap: defaultCap(),
      csrfToken: reply.generateCsrf(),
    });
  };
  const rowFragment = (reply: FastifyReply, row: UserUsageRow, extra: { error?: CapError; flash?: string }) =>
    reply.view('partials/llm/usage-row.njk', { row: rowView(row, extra), defaultCap: defaultCap(), csrfToken: reply.generateCsrf() });

  app.get('/admin/usage', async (_request, reply) => usagePage(reply));

  app.post<{ Params: { userId: string } }>('/admin/usage/:userId/reset', async (request, reply) => {
    const { userId } = parseUser(request.params);
    await rowFor(userId);
    await resetUserToday(app.deps.pool, userId);
    request.log.info({ event: 'llm.usage_reset', userId, by: userOf(request).id }, 'llm.usage_reset');
    if (isHtmx(request)) return rowFragment(reply, await rowFor(userId), { flash: 'Day reset' });
    return reply.redirect('/admin/usage', 303);
  });

  app.post<{ Params: { userId: string } }>('/admin/usage/:userId/cap', async (request, reply) => {
    const { userId } = parseUser(request.params);
    const row = await rowFor(userId);
    const form = parseForm(capForm, request.body);
    if (!form.ok) {
      reply.status(422);
      const error = { message: form.errors.cap ?? 'Invalid cap', value: form.values.cap };
      if (isHtmx(request)) return rowFragment(reply, row, { error });
      return usagePage(reply, { [userId]: error });
    }
    await setDailyCap(app.deps.pool, userId, form.data.cap, userOf(request).id);
    request.log.info({ event: 'llm.cap_set', userId, cap: form.data.cap, by: userOf(request).id }, 'llm.cap_set');
    if (isHtmx(request)) return rowFragment(reply, await rowFor(userId), { flash: 'Cap saved' });
    return reply.redirect('/admin/usage', 303);
  });
}

function parseUser(params: unknown): { userId: string } {
  const parsed = userParam.safeParse(params);
  if (!parsed.success) throw notFound('User');
  return parsed.data;
}
