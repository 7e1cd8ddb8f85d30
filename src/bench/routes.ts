/**
 * Benchmark pages (/bench, /bench/new, /bench/:id with a live fragment, item view, compare) and the JSON API
 * (/api/bench/runs). The form and the API share one validation (create.ts). Pages work without JavaScript; htmx
 * polls the live fragment every second while the run is active and stops when it renders a terminal state.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../auth/current-user.js';
import { AppError } from '../errors.js';
import { priceText } from '../llm/models.js';
import { BANK_DATASET, builtInDataset } from './dataset.js';
import { listLatestDatasets } from './dataset-queries.js';
import { datasetRoutes } from './dataset-routes.js';
import { verifyRoutes } from './verify-routes.js';
import { benchAccessRoutes } from './access-routes.js';
import { CreateRunError, createRuns } from './create.js';
import { benchUser, checkBenchAccess } from './guard.js';
import { benchItemPage, benchList, benchPage, cancelBench, comparePage, exportFile, itemsJsonl, retryErrored, runSummary } from './service.js';

interface IdParams {
  id: string;
}

const FORM_DEFAULTS = { dataset: 'bank', count: '', percent: '', seed: '', samples: '1', temperature: '0', maxOutputTokens: '1024', concurrency: '4', budgetUsd: '', budgetTokens: '' };

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v.trim() ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);
const numberOrUndefined = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : undefined);

/** The form's strings as the API's JSON: empty fields are absent, numbers are numbers (zod then says what is wrong). */
export function formToInput(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {
    models: list(body.models),
    dataset: typeof body.dataset === 'string' ? body.dataset : undefined,
    kinds: list(body.kinds),
    topics: list(body.topics),
    difficulties: list(body.difficulties),
    tags: list(body.tags),
    exceedMaxCost: body.exceedMaxCost === 'on' || body.exceedMaxCost === 'true',
  };
  for (const key of ['count', 'percent', 'samples', 'temperature', 'maxOutputTokens', 'concurrency', 'budgetUsd', 'budgetTokens']) out[key] = numberOrUndefined(body[key]);
  if (typeof body.seed === 'string' && body.seed.trim()) out.seed = body.seed;
  if (typeof body.judge === 'string' && body.judge.trim()) out.judge = body.judge;
  return out;
}

async function newFormData(app: FastifyInstance) {
  const bank = builtInDataset();
  const imported = await listLatestDatasets(app.deps.pool);
  return {
    models: app.llm.providers().filter((p) => p.enabled).flatMap((p) => p.models.map((m) => ({ spec: `${p.name}/${m}`, paid: p.paid, price: priceText(m) }))),
    datasets: [BANK_DATASET, ...imported.map((d) => d.name)],
    kinds: [...new Set([...bank.items.map((i) => i.kind), ...imported.map((d) => d.shape)])],
    topics: [...new Set(bank.items.map((i) => i.topic))],
    maxRunCostUsd: app.deps.config.bench.maxRunCostUsd,
  };
}

const bench = benchUser;

/** A run id from the path: digits only, so it is safe in a redirect or a header; anything else is a 404. */
function runIdOf(request: FastifyRequest<{ Params: IdParams }>): string {
  const id = request.params.id;
  if (!/^\d{1,18}$/.test(id)) throw new AppError('not_found', 'Run not found');
  return id;
}

export async function benchRoutes(app: FastifyInstance): Promise<void> {
  checkBenchAccess(app);
  await benchPageRoutes(app);
  await benchActionRoutes(app);
  await benchApiRoutes(app);
  await app.register(datasetRoutes);
  await app.register(benchAccessRoutes);
  await app.register(verifyRoutes);
}

async function benchPageRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.pool;

  app.get('/bench', { preHandler: requireUser }, async (request, reply) => reply.view('pages/bench/index.njk', await benchList(db, bench(request))));
  app.get('/bench/list', { preHandler: requireUser }, async (request, reply) => reply.view('partials/bench/list.njk', await benchList(db, bench(request))));

  app.get('/bench/new', { preHandler: requireUser }, async (request, reply) => {
    bench(request);
    return reply.view('pages/bench/new.njk', { ...(await newFormData(app)), values: { ...FORM_DEFAULTS, models: [] }, errors: {} });
  });

  app.get('/bench/compare', { preHandler: requireUser }, async (request, reply) => {
    const raw = String((request.query as { runs?: string }).runs ?? '');
    const ids = raw.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.some((id) => !/^\d{1,18}$/.test(id))) throw new AppError('bad_request', 'runs must be two run ids separated by a comma');
    return reply.view('pages/bench/compare.njk', await comparePage(db, ids, bench(request)));
  });

  app.get<{ Params: IdParams; Querystring: { verdict?: string } }>('/bench/:id', { preHandler: requireUser }, async (request, reply) => {
    return reply.view('pages/bench/show.njk', await benchPage(db, runIdOf(request), bench(request), request.query.verdict));
  });

  app.get<{ Params: IdParams }>('/bench/:id/live', { preHandler: requireUser }, async (request, reply) => {
    return reply.view('partials/bench/live.njk', await benchPage(db, runIdOf(request), bench(request)));
  });

  app.get<{ Params: IdParams & { item: string; sample: string } }>('/bench/:id/items/:item/:sample', { preHandler: requireUser }, async (request, reply) => {
    const sample = Number(request.params.sample);
    if (!Number.isInteger(sample) || sample < 0) throw new AppError('bad_request', 'sample must be a whole number');
    return reply.view('pages/bench/item.njk', await benchItemPage(db, runIdOf(request), request.params.item, sample, bench(request)));
  });

}

/** The form posts and downloads: each answers with a redirect to the run, or a file. */
async function benchActionRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.pool;
  const deps = { pool: db, llm: app.llm, config: app.deps.config };

  app.post<{ Params: IdParams }>('/bench/:id/cancel', { preHandler: requireUser }, async (request, reply) => {
    const id = runIdOf(request);
    const outcome = await cancelBench(db, id, bench(request));
    if (outcome === 'not_found') throw new AppError('not_found', 'Run not found');
    return reply.redirect(`/bench/${encodeURIComponent(id)}`, 303);
  });

  const EXPORTS = {
    'items.csv': { kind: 'csv', type: 'text/csv; charset=utf-8' },
    'summary.json': { kind: 'summary', type: 'application/json; charset=utf-8' },
    'bundle.json': { kind: 'bundle', type: 'application/json; charset=utf-8' },
  } as const;
  app.get<{ Params: IdParams & { file: string } }>('/bench/:id/export/:file', { preHandler: requireUser }, async (request, reply) => {
    const spec = EXPORTS[request.params.file as keyof typeof EXPORTS];
    if (!spec) throw new AppError('not_found', 'No such export: items.csv, summary.json or bundle.json');
    const id = runIdOf(request);
    const body = await exportFile(db, id, bench(request), spec.kind);
    return reply
      .type(spec.type)
      .header('content-disposition', `attachment; filename="bench-${id}-${request.params.file}"`)
      .send(body);
  });

  app.post<{ Params: IdParams }>('/bench/:id/retry-errors', { preHandler: requireUser }, async (request, reply) => {
    const id = runIdOf(request);
    await retryErrored(db, id, bench(request));
    return reply.redirect(`/bench/${encodeURIComponent(id)}`, 303);
  });

  app.post('/bench/new', { preHandler: requireUser }, async (request, reply) => {
    const user = bench(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    try {
      const created = await createRuns(deps, user, formToInput(body));
      // One model: its page. Several: the list, where they appear side by side with their comparison links.
      return reply.redirect(created.runs.length === 1 ? `/bench/${encodeURIComponent(created.runs[0]!.id)}` : '/bench', 303);
    } catch (err) {
      if (!(err instanceof CreateRunError)) throw err;
      const values = { ...FORM_DEFAULTS, ...body, models: list(body.models), kinds: list(body.kinds), topics: list(body.topics) };
      return reply.code(400).view('pages/bench/new.njk', { ...(await newFormData(app)), values, errors: { [err.field]: err.message } });
    }
  });
}

/**
 * The JSON API: the same validation as the form; errors are 4xx with the field and the reason. Authenticated by the
 * session cookie (+ CSRF on a POST) or a personal API token.
 */
async function benchApiRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.pool;
  const deps = { pool: db, llm: app.llm, config: app.deps.config };
  // Each also takes a personal API token (Authorization: Bearer), which needs no CSRF token (src/auth/plugin.ts).
  const API = { preHandler: requireUser, config: { apiToken: true } };

  app.post<{ Params: IdParams }>('/api/bench/runs/:id/retry-errors', API, async (request, reply) => {
    return reply.code(202).send(await retryErrored(db, runIdOf(request), bench(request)));
  });

  app.post('/api/bench/runs', API, async (request, reply) => {
    try {
      const created = await createRuns(deps, bench(request), request.body ?? {});
      return reply.code(201).send(created);
    } catch (err) {
      if (err instanceof CreateRunError) return reply.code(400).send({ error: 'bad_request', field: err.field, message: err.message });
      throw err;
    }
  });

  app.get<{ Params: IdParams }>('/api/bench/runs/:id', API, async (request) => runSummary(db, runIdOf(request), bench(request)));

  app.get<{ Params: IdParams }>('/api/bench/runs/:id/items', API, async (request, reply: FastifyReply) => {
    const lines = await itemsJsonl(db, runIdOf(request), bench(request));
    return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(lines));
  });
}
