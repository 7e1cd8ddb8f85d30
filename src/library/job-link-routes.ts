/**
 * Linking a library item to one of the owner's job descriptions, from the item page (item-routes.ts hands over how
 * it finds the owner's item and renders the page). Plain posts redirect back to the page, or show it again with the
 * message beside the select; htmx gets the links section alone, a refused choice too (the client swaps a 422).
 * Another user's item or JD answers 404 and nothing changes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { requireUser, userOf } from '../auth/current-user.js';
import { parseForm } from '../web/forms.js';
import { isHtmx } from '../web/htmx.js';
import { linkedJobs, listJobChoices } from './job-link-queries.js';
import type { LibraryItem } from './queries.js';
import { jobLinkSchema, linkToJob, unlinkFromJob } from './service.js';

export type ItemForm = { values?: Record<string, unknown>; errors?: Record<string, string> };

interface ItemPage {
  own: (request: FastifyRequest) => Promise<LibraryItem>;
  page: (request: FastifyRequest, reply: FastifyReply, item: LibraryItem, form?: ItemForm) => Promise<unknown>;
  back: (reply: FastifyReply, item: LibraryItem) => unknown;
}

/** What the links section shows: the item's linked JDs and the user's JDs to choose from. */
export async function jobLinkView(pool: pg.Pool, userId: string, itemId: string) {
  return { linkedJobs: await linkedJobs(pool, userId, itemId), jobs: await listJobChoices(pool, userId) };
}

type WithId = { Params: { id: string }; Body: Record<string, unknown> };

export function jobLinkRoutes(app: FastifyInstance, { own, page, back }: ItemPage): void {
  const pool = app.deps.pool;
  const answer = async (request: FastifyRequest, reply: FastifyReply, item: LibraryItem, form: ItemForm = {}) => {
    if (!isHtmx(request)) return form.errors ? page(request, reply, item, form) : back(reply, item);
    const view = { item, ...(await jobLinkView(pool, userOf(request).id, item.id)), values: form.values ?? {}, errors: form.errors ?? {} };
    return reply.view('partials/library/job-links.njk', view);
  };

  app.post<WithId>('/library/:id/jobs', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    const form = parseForm(jobLinkSchema, request.body);
    if (!form.ok) return answer(request, reply.status(422), item, { values: { job: request.body?.job }, errors: form.errors });
    await linkToJob(pool, userOf(request).id, item.id, form.data.job);
    return answer(request, reply, item);
  });

  app.post<WithId>('/library/:id/jobs/remove', { preHandler: requireUser }, async (request, reply) => {
    const item = await own(request);
    const job = typeof request.body?.job === 'string' ? request.body.job : '';
    // The service answers 404 for an id that is not one of the user's JDs, malformed ones included.
    await unlinkFromJob(pool, userOf(request).id, item.id, job);
    return answer(request, reply, item);
  });
}
