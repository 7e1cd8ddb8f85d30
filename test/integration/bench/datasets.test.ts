/**
 * Dataset import end to end: a file with bad lines stores nothing and names each line (page and API); good files
 * are imported through the page's multipart form and the API, then run by a real worker against the fake
 * OpenAI-compatible server answering from a script, code items graded by the sandbox like the bank's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import { projectRoot } from '../../../src/paths.js';
import type { RunningWorker } from '../../../worker/runtime.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { benchApp, createViaApi, fakeEnv, finished, isProbe, multipart, startBenchWorker } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
let grader: ReturnType<typeof createGraderPool>;
let worker: RunningWorker | undefined;
let env: Record<string, string>;

const sample = (file: string) => readFileSync(join(projectRoot, 'docs/datasets', file), 'utf8');
const datasetCount = async () => (await db.pool.query('SELECT count(*)::int AS n FROM bench_datasets')).rows[0].n as number;

async function importPage(user: SignedIn, fields: Record<string, string>, file?: { name: string; text: string }) {
  const body = multipart({ _csrf: user.csrf, ...fields }, file);
  return app.inject({ method: 'POST', url: '/bench/datasets', headers: { cookie: user.cookie, 'content-type': body.contentType }, payload: body.payload });
}

async function importApi(user: SignedIn, body: Record<string, unknown>) {
  const res = await app.inject({ method: 'POST', url: '/api/bench/datasets', headers: { ...user.headers, 'content-type': 'application/json' }, payload: body });
  return { status: res.statusCode, body: res.json() as any };
}

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
  env = fakeEnv(fake.url);
  app = await benchApp(db, env);
  admin = await signIn(app, db, { admin: true });
  grader = createGraderPool({ size: 1, timeLimitMs: 120_000, memoryLimitMb: 320, logger: { info() {}, warn() {} } });
}, 120_000);
afterEach(async () => {
  await worker?.shutdown();
  worker = undefined;
  fake.reset();
});
afterAll(async () => {
  await grader?.close();
  await app?.close();
  await fake?.close();
});

describe('an import with bad lines', () => {
  const bad = [sample('arithmetic-choice.jsonl').trim(), '{"question": "q", "options": ["a", "b"], "answer": "E"}', '{"question": "q", "options": "a b"}'].join('\n');

  it('stores nothing; the page names each bad line and keeps the input', async () => {
    const res = await importPage(admin, { name: 'arith', shape: 'choice' }, { name: 'arith.jsonl', text: bad });
    expect(res.statusCode).toBe(400);
    expect(await datasetCount()).toBe(0);
    expect(res.body).toContain('2 of 7 lines are not valid choice items; nothing was imported');
    const rows = [...res.body.matchAll(/<tr data-line="(\d+)"><td>\d+<\/td><td><code>([^<]+)<\/code>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual([[6, 'answer'], [7, 'options'], [7, 'answer']]);
    // The name, the shape and the file's lines come back (a file input cannot be refilled: its text goes in the box).
    expect(res.body).toContain('value="arith"');
    expect(res.body).toMatch(/value="choice" checked/);
    expect(res.body).toContain('&quot;answer&quot;: &quot;E&quot;');
  });

  it('stores nothing; the API answers 400 with every line, field and reason, and the limits are quoted', async () => {
    const res = await importApi(admin, { name: 'arith', shape: 'choice', jsonl: bad });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: any) => [e.line, e.field])).toEqual([[6, 'answer'], [7, 'options'], [7, 'answer']]);
    expect(res.body.errors[0].message).toMatch(/names no option/);
    const huge = await importApi(admin, { name: 'arith', shape: 'numeric', jsonl: '{"question": "q", "answer": 1}\n'.repeat(5001) });
    expect(huge.status).toBe(400);
    expect(huge.body.message).toBe('the file has 5,001 lines; the limit is 5,000 lines');
    expect((await importApi(admin, { name: 'bank', shape: 'choice', jsonl: sample('arithmetic-choice.jsonl') })).body.field).toBe('name');
    expect(await datasetCount()).toBe(0);
  });
});

/** The fake's answer for an imported item, found by its question or prompt in the request. */
function scripted(answers: [string, string][]) {
  return (body: any) => {
    if (isProbe(body)) return 'ready';
    const text = body.messages.map((m: { content: string }) => m.content).join('\n');
    const hit = answers.find(([needle]) => text.includes(needle));
    if (!hit) throw new Error('the fake got a prompt for no scripted item');
    return hit[1];
  };
}

describe('a good import', () => {
  it('is stored whole, listed, chosen in a run, and graded: letters, numbers with tolerance', async () => {
    const page = await importPage(admin, { name: 'arith', shape: 'choice' }, { name: 'arith.jsonl', text: sample('arithmetic-choice.jsonl') });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/bench/datasets?imported=arith');
    const api = await importApi(admin, { name: 'word-problems', shape: 'numeric', jsonl: sample('word-problems-numeric.jsonl') });
    expect(api.status).toBe(201);
    expect(api.body).toMatchObject({ ok: true, name: 'word-problems', items: 5, created: true });
    expect((await importApi(admin, { name: 'word-problems', shape: 'numeric', jsonl: sample('word-problems-numeric.jsonl') })).body.created).toBe(false);
    const list = await app.inject({ url: '/bench/new', headers: { cookie: admin.cookie } });
    expect(list.body).toContain('<option value="arith"');
    expect(list.body).toContain('<option value="word-problems"');

    fake.always(openaiCompat.completion({
      content: scripted([
        ['What is 7 x 8?', 'It is 56.\nAnswer: B'], // correct
        ['Which number is prime?', 'Answer: (A)'], // incorrect (C)
        ['halves every epoch', '<think>A? no</think>\n**A**'], // correct, a lone letter after thinking
        ['dense layer', 'Answer: C'], // correct
        ['zero for every negative', 'I would rather not say.'], // no answer
        ['250 examples a second', 'Answer: 60000'], // correct
        ['GPU hour costs', 'Answer: 54.5'], // incorrect: no tolerance given means exact
        ['45 of 60', 'Answer: 0.7505'], // correct within 0.001
        ['32 sequences', 'Answer: 16,384'], // correct
        ['learning rate starts', 'Answer: 0.0126'], // incorrect: outside 1e-9
      ]),
      fingerprint: 'fp_test_backend',
    }));
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], dataset: 'arith', seed: 's', budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const numeric = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], dataset: 'word-problems', seed: 's', budgetTokens: 1_000_000 });
    expect(numeric.status).toBe(201);
    worker = await startBenchWorker(db, env, grader);
    const a = await finished(app, db, admin, created.body.runs[0].id, created.body.runs[0].runId);
    expect(a.status).toBe('succeeded');
    expect(a.datasetHash).toBe((await db.pool.query("SELECT hash FROM bench_datasets WHERE name = 'arith'")).rows[0].hash);
    expect(a.counts).toEqual({ correct: 3, incorrect: 1, no_answer: 1, truncated: 0, error: 0 });
    expect(a.accuracy.p).toBeCloseTo(3 / 5, 10);
    // Provenance: the app version from configuration, the prompt versions, and the fingerprint the endpoint reported.
    expect(a.provenance).toMatchObject({ appVersion: app.deps.config.version, promptVersions: { 'bench-choice': expect.any(String) }, fingerprints: ['fp_test_backend'], datasetHash: a.datasetHash, seed: 's' });
    const runPage = await app.inject({ url: `/bench/${created.body.runs[0].id}`, headers: { cookie: admin.cookie } });
    expect(runPage.body).toContain('<code>fp_test_backend</code>');
    const n = await finished(app, db, admin, numeric.body.runs[0].id, numeric.body.runs[0].runId);
    expect(n.counts).toEqual({ correct: 3, incorrect: 2, no_answer: 0, truncated: 0, error: 0 });
  }, 120_000);

  it('code items run in the sandbox and are judged outside it: model code cannot pass by exiting or patching', async () => {
    const imported = await importApi(admin, { name: 'fns', shape: 'code', jsonl: sample('python-functions-code.jsonl') });
    expect(imported.status).toBe(201);
    const fence = (code: string) => `Here it is.\n\`\`\`python\n${code}\n\`\`\``;
    fake.always(openaiCompat.completion({
      content: scripted([
        ['def clamp', fence('def clamp(x, lo, hi):\n    return max(lo, min(x, hi))')], // correct
        // Tries to end the process before any check can fail it, and to make every comparison true.
        ['def dedupe', fence('import builtins, sys\nbuiltins.AssertionError = type("Nope", (Exception,), {})\nclass Any(list):\n    def __eq__(self, o): return True\ndef dedupe(items):\n    return Any(items)\nsys.exit(0)')],
        ['def mean', fence('def mean(xs):\n    return sum(xs) / len(xs)')], // correct (2.5 within 1e-9, and 7.0 == 7)
      ]),
    }));
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], dataset: 'fns', seed: 's', budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, created.body.runs[0].id, created.body.runs[0].runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts).toEqual({ correct: 2, incorrect: 1, no_answer: 0, truncated: 0, error: 0 });
    const items = (await app.inject({ url: `/api/bench/runs/${created.body.runs[0].id}/items`, headers: { cookie: admin.cookie } })).body.trim().split('\n').map((l) => JSON.parse(l));
    expect(items.find((i: any) => i.itemId === 'fn-dedupe')).toMatchObject({ verdict: 'incorrect', graderOutput: { passed: 0, total: 3 } });
    expect(items.find((i: any) => i.itemId === 'fn-clamp')).toMatchObject({ verdict: 'correct', graderOutput: { status: 'passed', passed: 4, total: 4 } });
  }, 120_000);
});
