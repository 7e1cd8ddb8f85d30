/**
 * One library item: /library/:id shows what was read from the page (metadata, summary, tags, main text as plain
 * text), and its owner marks it read, tags it and links it to problems and to their own job descriptions. Every form
 * works as a plain post (redirect back, or the page again with the error beside the field); the read toggle answers
 * htmx with its card alone, the JD links (job-link-routes.ts) their section alone. Another user's item answers 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser, userOf } from '../auth/current-user.js';
import { notFound } from '../errors.js';
import { parseForm } from '../web/forms.js';
import { isHtmx } from '../web/htmx.js';
import { jobLinkRoutes, jobLinkView, type ItemForm } from './job-link-routes.js';
import { linkedProblems, listProblemChoices } from './problem-link-queries.js';
import { getOwnItem, type LibraryItem } from './queries.js';
import { linkToProblem, markRead, problemLinkSchema, setTags, tagsSchema, unlinkFromProblem } from './service.js';

const idParam = z.object({ id: z.string().regex(/^\d{1,18}$/) });
type WithId = { Params: { id: string }; Body: Record<string, unknown> };

export async function libraryItemRoutes(app: FastifyInstance): Promise<void> {
  const pool = app.deps.pool;
  const own = async (request: FastifyRequest): Promise<LibraryItem> => {
    const parsed = idParam.safeParse(request.params);
    const item = parsed.success ? await getOwnItem(pool, userOf(request).id, parsed.data.id) : null;
    if (!item) throw notFound('Library item');
    return item;
  };
  const back = (reply: FastifyReply, item: LibraryItem) => reply.redirect(`/library/${encodeURIComponent(item.id)}`, 303);
  const page = async (request: FastifyRequest, reply: FastifyReply, item: LibraryItem, form: ItemForm = {}) =>
    reply.view('pages/library/item.njk', {
      item,
      linked: await linkedProblems(pool, item.id),
      problems: await listProblemChoices(pool),
      ...(await jobLinkView(pool, userOf(request).id, item.id)),
      values: { tags: item.userTags.join(', '), ...form.values },
      errors: form.errors ?? {},
    });

  app.get<WithId>('/library/:id', { preHandler: requireUser }, async (request, reply) => page(request, reply, await own(request)));

  app.post<WithId>('/library/:id/read', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    await markRead(pool, userOf(request).id, item.id, request.body?.read === '1');
    if (isHtmx(request)) return reply.view('partials/library/item.njk', { i: (await getOwnItem(pool, userOf(request).id, item.id))! });
    // From the list, back to the item's place in it; from the item page, back there.
    if (request.body?.from === 'list') return reply.redirect(`/library#item-${encodeURIComponent(item.id)}`, 303);
    return back(reply, item);
  });

  app.post<WithId>('/library/:id/tags', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    const form = parseForm(tagsSchema, request.body);
    if (!form.ok) return page(request, reply.status(422), item, { values: form.values, errors: form.errors });
    await setTags(pool, userOf(request).id, item.id, form.data.tags);
    return back(reply, item);
  });

  app.post<WithId>('/library/:id/problems', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    const form = parseForm(problemLinkSchema, request.body);
    const linked = form.ok ? await linkToProblem(pool, userOf(request).id, item.id, form.data.slug) : null;
    if (!form.ok || (linked && !linked.ok)) {
      const errors = form.ok ? { slug: linked && !linked.ok ? linked.error : '' } : form.errors;
      return page(request, reply.status(422), item, { values: { slug: request.body?.slug }, errors });
    }
    return back(reply, item);
  });

  app.post<WithId>('/library/:id/problems/remove', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    const slug = typeof request.body?.slug === 'string' ? request.body.slug : '';
    await unlinkFromProblem(pool, userOf(request).id, item.id, slug);
    return back(reply, item);
  });


  jobLinkRoutes(app, { own, page, back });
}
