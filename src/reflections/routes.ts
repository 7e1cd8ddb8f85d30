/**
 * /reflections: the private journal. Pages work as plain forms; with htmx the answer slot polls itself until the
 * worker's answer is there. Another user's entry id answers 404, exactly like an id that does not exist.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser, userOf } from '../auth/current-user.js';
import { notFound } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { promptText, REFLECTION_PROMPTS } from './prompts.js';
import { getOwnReflection, listReflections, type Reflection } from './queries.js';
import { createReflection, deleteReflection, entrySchema, updateReflection } from './service.js';

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/) });
type WithId = { Params: { id: string }; Body: Record<string, unknown> };

export async function reflectionRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.deps.pool;
  const own = async (request: FastifyRequest): Promise<Reflection> => {
    const parsed = idParam.safeParse(request.params);
    const entry = parsed.success ? await getOwnReflection(pool, userOf(request).id, parsed.data.id) : null;
    if (!entry) throw notFound('Reflection');
    return entry;
  };
  const base = { prompts: REFLECTION_PROMPTS, promptText };

  app.get<{ Querystring: { prompt?: string } }>('/reflections', { preHandler: requireUser }, async (request, reply) => {
    const entries = await listReflections(pool, userOf(request).id);
    const promptKey = REFLECTION_PROMPTS.some((p) => p.key === request.query.prompt) ? request.query.prompt : REFLECTION_PROMPTS[0].key;
    return reply.view('pages/reflections/index.njk', { ...base, entries, values: { promptKey }, errors: {} });
  });

  app.post<{ Body: Record<string, unknown> }>('/reflections', { preHandler: requireUser }, async (request, reply) => {
    const form = parseForm(entrySchema, request.body);
    if (!form.ok) {
      const entries = await listReflections(pool, userOf(request).id);
      return reply.status(422).view('pages/reflections/index.njk', { ...base, entries, values: form.values, errors: form.errors });
    }
    const id = await createReflection(pool, userOf(request).id, form.data);
    return reply.redirect(`/reflections/${encodeURIComponent(id)}`, 303);
  });

  app.get<WithId>('/reflections/:id', { preHandler: requireUser }, async (request, reply) =>
    reply.view('pages/reflections/entry.njk', { ...base, entry: await own(request) }),
  );

  // The answer slot alone: polled by htmx while the worker is still answering.
  app.get<WithId>('/reflections/:id/answer', { preHandler: requireUser }, async (request, reply) =>
    reply.view('partials/reflections/answer.njk', { entry: await own(request) }),
  );

  app.get<WithId>('/reflections/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const entry = await own(request);
    return reply.view('pages/reflections/edit.njk', { ...base, entry, values: { promptKey: entry.promptKey, body: entry.body }, errors: {} });
  });

  app.post<WithId>('/reflections/:id/edit', { preHandler: requireUser }, async (request, reply) => {
    const entry = await own(request);
    const form = parseForm(entrySchema, request.body);
    if (!form.ok) return reply.status(422).view('pages/reflections/edit.njk', { ...base, entry, values: form.values, errors: form.errors });
    await updateReflection(pool, userOf(request).id, entry.id, form.data);
    return reply.redirect(`/reflections/${encodeURIComponent(entry.id)}`, 303);
  });

  app.get<WithId>('/reflections/:id/delete', { preHandler: requireUser }, async (request, reply) =>
    reply.view('pages/reflections/delete.njk', { ...base, entry: await own(request) }),
  );

  app.post<WithId>('/reflections/:id/delete', { preHandler: requireUser }, async (request, reply) => {
    const entry = await own(request);
    await deleteReflection(pool, userOf(request).id, entry.id);
    request.log.info({ reflectionId: entry.id }, 'reflection deleted');
    return reply.redirect('/reflections', 303);
  });
}
