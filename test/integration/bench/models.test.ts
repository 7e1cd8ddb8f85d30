/**
 * Provider models: an OpenAI-compatible endpoint's GET /v1/models synced from /admin/providers (upserted, priced or
 * "price unknown"), a synced model run by a worker that learned it from the table, and the one-token access probe
 * reporting a bad key or model plainly. All against the fake OpenAI-compatible server on 127.0.0.1.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../../../worker/runtime.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { benchApp, createViaApi, fakeEnv, finished, isProbe, itemOf, startBenchWorker } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
let worker: RunningWorker | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
  env = fakeEnv(fake.url, { LIS_DIAGNOSTICS_ENABLED: '1' });
  app = await benchApp(db, env);
  admin = await signIn(app, db, { admin: true });
});
afterEach(async () => {
  await worker?.shutdown();
  worker = undefined;
  fake.reset();
  fake.models.status = undefined;
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});

const sync = () =>
  app.inject({ method: 'POST', url: '/admin/providers/sync', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(admin.csrf)}` });
const benchRunCount = async () => (await db.pool.query('SELECT count(*)::int AS n FROM bench_runs')).rows[0].n as number;

describe('model sync', () => {
  it('upserts the endpoint\'s models, shows each with its price or "price unknown", and a worker can run a synced one', async () => {
    fake.models.ids = ['model-a', 'model-c', 'claude-haiku-4-5'];
    const res = await sync();
    expect(res.statusCode).toBe(200);
    expect(fake.models.requests).toBe(1);
    expect(res.body).toContain('openai-compatible: 3 models listed, 2 new: model-c, claude-haiku-4-5.');
    expect(res.body).toMatch(/data-model="model-c"><code>model-c<\/code> <span class="muted">price unknown</);
    expect(res.body).toMatch(/data-model="claude-haiku-4-5"><code>claude-haiku-4-5<\/code> <span class="muted">\$1 \/ \$5 per million tokens/);
    const { rows } = await db.pool.query("SELECT model, owned_by FROM llm_models WHERE provider = 'openai-compatible' ORDER BY model");
    expect(rows).toEqual([{ model: 'claude-haiku-4-5', owned_by: 'fake-org' }, { model: 'model-a', owned_by: 'fake-org' }, { model: 'model-c', owned_by: 'fake-org' }]);
    // Again: nothing new, still one row each.
    expect((await sync()).body).toContain('3 models listed, 0 new.');
    expect((await db.pool.query('SELECT count(*)::int AS n FROM llm_models')).rows[0].n).toBe(3);

    const form = await app.inject({ url: '/bench/new', headers: { cookie: admin.cookie } });
    expect(form.body).toContain('value="openai-compatible/model-c"');
    expect(form.body).toContain('openai-compatible/model-c <span class="muted">(price unknown)</span>');

    // An unpriced model needs a token budget instead of a dollar one, said beside that field.
    const noCap = await createViaApi(app, admin, { models: ['openai-compatible/model-c'], kinds: ['numeric'], count: 2, budgetUsd: 1 });
    expect(noCap.status).toBe(400);
    expect(noCap.body).toMatchObject({ field: 'budgetTokens', message: expect.stringMatching(/model-c has no known price: set a token budget/) });
    const page = await app.inject({ method: 'POST', url: '/bench/new', headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(admin.csrf)}&models=openai-compatible%2Fmodel-c&kinds=numeric&count=2` });
    expect(page.statusCode).toBe(400);
    expect(page.body).toMatch(/<p class="field-error" id="f-budgetTokens-error">[^<]*no known price/);

    fake.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`) }));
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-c'], kinds: ['numeric'], count: 2, seed: 'synced', budgetTokens: 100_000 });
    expect(created.status).toBe(201);
    // The worker's LLM layer is built from configuration alone (model-a, model-b): it learns model-c from the table.
    worker = await startBenchWorker(db, env, { grade: async () => { throw new Error('no code item in this run'); } });
    const s = await finished(app, db, admin, created.body.runs[0].id, created.body.runs[0].runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts.correct).toBe(2);
    expect(fake.requests.filter((r) => !isProbe(r.body)).map((r) => r.body.model)).toEqual(['model-c', 'model-c']);
  }, 60_000);

  it('a refused sync is reported on the page and changes nothing', async () => {
    fake.models.status = 401;
    const res = await sync();
    expect(res.body).toMatch(/openai-compatible: the sync failed \(auth_failed: [^)]*401/);
  });
});

describe('the access probe before a run is enqueued', () => {
  it('reports a bad key plainly and stores nothing', async () => {
    const before = await benchRunCount();
    fake.script(openaiCompat.unauthorized());
    const res = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 1, budgetTokens: 100_000 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'models', message: expect.stringMatching(/^openai-compatible\/model-a: the model check failed \(auth_failed\): .*401.*Incorrect API key/) });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.body.max_tokens).toBe(1);
    expect(await benchRunCount()).toBe(before);
  });

  it('reports an unknown model plainly and stores nothing', async () => {
    const before = await benchRunCount();
    fake.script(openaiCompat.error(404, 'The model `model-a` does not exist'));
    const res = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 1, budgetTokens: 100_000 });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^openai-compatible\/model-a: the model check failed \(invalid_request\): .*404.*does not exist/);
    expect(await benchRunCount()).toBe(before);
  });
});
