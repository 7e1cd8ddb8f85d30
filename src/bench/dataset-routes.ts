/**
 * Dataset import: the page /bench/datasets (a file upload that works without JavaScript, or pasted lines) and the
 * API /api/bench/datasets, both through importDataset. The multipart parser is registered in this plugin's scope
 * only, so no other route accepts file uploads.
 */
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../auth/current-user.js';
import { acceptMultipartForm, uploadedFile } from '../web/multipart.js';
import { listLatestDatasets } from './dataset-queries.js';
import { importDataset, type ImportOutcome } from './dataset-service.js';
import { DATASET_SHAPES, IMPORT_LIMITS } from './import.js';
import { benchUser as bench } from './guard.js';

/** Room for the file plus the form's other fields; a bigger body is refused by the parser before it is read. */
const PAGE_FIELD_BYTES = IMPORT_LIMITS.maxBytes + 1;
/** The API sends the file as a JSON string: escaping can double it. */
const API_BODY_LIMIT = IMPORT_LIMITS.maxBytes * 2 + 64 * 1024;

const LIMITS_TEXT = `up to ${IMPORT_LIMITS.maxBytes / 1024 / 1024} MB and ${IMPORT_LIMITS.maxLines.toLocaleString('en-US')} lines`;

async function pageData(app: FastifyInstance, extra: Record<string, unknown>) {
  return {
    datasets: await listLatestDatasets(app.deps.pool),
    shapes: DATASET_SHAPES,
    limitsText: LIMITS_TEXT,
    values: { name: '', shape: 'choice', jsonl: '' },
    errors: {},
    lineErrors: [],
    ...extra,
  };
}

export async function datasetRoutes(app: FastifyInstance): Promise<void> {
  acceptMultipartForm(app, { maxFileBytes: IMPORT_LIMITS.maxBytes, maxFieldBytes: PAGE_FIELD_BYTES });
  const db = app.deps.pool;

  app.get<{ Querystring: { imported?: string } }>('/bench/datasets', { preHandler: requireUser }, async (request, reply) => {
    bench(request);
    return reply.view('pages/bench/datasets.njk', await pageData(app, { imported: request.query.imported ?? null }));
  });

  app.post('/bench/datasets', { preHandler: requireUser }, async (request, reply) => {
    const user = bench(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const file = uploadedFile(body, 'file');
    const pasted = typeof body.jsonl === 'string' ? body.jsonl : '';
    const jsonl = file && file.text.trim() ? file.text : pasted;
    const outcome: ImportOutcome = file?.truncated
      ? { ok: false, field: 'file', message: `the file is over the limit of ${IMPORT_LIMITS.maxBytes.toLocaleString('en-US')} bytes (${LIMITS_TEXT})`, errors: [] }
      : await importDataset(db, user, { name: body.name, shape: body.shape, jsonl });
    if (outcome.ok) return reply.redirect(`/bench/datasets?imported=${encodeURIComponent(outcome.name)}`, 303);
    // The user's input comes back: the name, the shape, and the lines (a file's content lands in the text box,
    // since a browser never refills a file input), so fixing one line does not mean starting again.
    const values = { name: typeof body.name === 'string' ? body.name : '', shape: typeof body.shape === 'string' ? body.shape : 'choice', jsonl: file?.truncated ? pasted : jsonl };
    return reply.code(400).view('pages/bench/datasets.njk', await pageData(app, { values, errors: { [outcome.field]: outcome.message }, lineErrors: outcome.errors }));
  });

  app.get('/api/bench/datasets', { preHandler: requireUser }, async (request) => {
    bench(request);
    return { datasets: await listLatestDatasets(db) };
  });

  app.post('/api/bench/datasets', { preHandler: requireUser, bodyLimit: API_BODY_LIMIT }, async (request, reply) => {
    const user = bench(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body.jsonl !== 'string') {
      return reply.code(400).send({ error: 'bad_request', field: 'jsonl', message: 'jsonl must be the file\'s text (one JSON object a line)', errors: [] });
    }
    const outcome = await importDataset(db, user, { name: body.name, shape: body.shape, jsonl: body.jsonl });
    if (!outcome.ok) return reply.code(400).send({ error: 'bad_request', ...outcome });
    return reply.code(outcome.created ? 201 : 200).send(outcome);
  });
}
