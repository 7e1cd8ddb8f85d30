/**
 * /library (your saved pages) and /library/add. Adding checks the address as typed and queues the fetch; the worker
 * fetches it (worker/handlers/library-fetch.ts), checking every address again at connect time.
 */
import type { FastifyInstance } from 'fastify';
import { requireUser, userOf } from '../auth/current-user.js';
import { parseForm } from '../web/forms.js';
import { wantsFragment } from '../web/htmx.js';
import { libraryItemRoutes } from './item-routes.js';
import { listItems } from './queries.js';
import { addItem, addItemSchema } from './service.js';

export async function libraryRoutes(app: FastifyInstance): Promise<void> {
  app.get('/library', { preHandler: requireUser }, async (request, reply) => {
    const items = await listItems(app.deps.pool, userOf(request).id);
    const view = { items, pending: items.some((i) => i.status === 'queued') };
    // The list polls itself while a page is being fetched; htmx gets the list alone.
    return reply.view(wantsFragment(request) ? 'partials/library/list.njk' : 'pages/library/index.njk', view);
  });

  await libraryItemRoutes(app);

  app.get('/library/add', { preHandler: requireUser }, async (_request, reply) =>
    reply.view('pages/library/add.njk', { values: {}, errors: {} }),
  );

  app.post<{ Body: Record<string, unknown> }>('/library/add', { preHandler: requireUser }, async (request, reply) => {
    const form = parseForm(addItemSchema, request.body);
    if (!form.ok) {
      reply.status(422);
      return reply.view('pages/library/add.njk', { values: form.values, errors: form.errors });
    }
    const id = await addItem(app.deps.pool, userOf(request).id, form.data);
    request.log.info({ libraryItemId: id }, 'library item added');
    return reply.redirect(`/library#item-${encodeURIComponent(id)}`, 303);
  });
}
