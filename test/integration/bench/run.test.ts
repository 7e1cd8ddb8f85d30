/**
 * Benchmark runs end to end: created through the JSON API, executed by a real worker (run queue, bench-run handler,
 * LLM layer, sandboxed grader pool) against a fake OpenAI-compatible server on 127.0.0.1 that answers from a script.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../../../src/paths.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setUserCap } from '../../../src/llm/budget-queries.js';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import type { RunningWorker } from '../../../worker/runtime.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { waitFor } from '../runs/helpers.js';
import { loadBank } from '../../../src/practice/bank.js';
import { benchApp, createViaApi, dataset, fakeEnv, finished, isProbe, itemOf, numericItems, startBenchWorker, summary } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
let grader: ReturnType<typeof createGraderPool>;
let worker: RunningWorker | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
  env = fakeEnv(fake.url, { BENCH_PAUSE_POLL_MS: '100' });
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

const right = (body: any) => (isProbe(body) ? 'ready' : `Working it out.\nAnswer: ${itemOf(body).answer}`);
const completions = () => fake.requests.filter((r) => r.body?.messages && !isProbe(r.body));

describe('a scripted benchmark run', () => {
  // Every scripted category on both providers: scripted.test.ts. Here: what "retry errored items" does with them.
  it('retries only the errored items, keeping the old rows in the run\'s history', async () => {
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 3, seed: 'retry', concurrency: 1, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    const { rows } = await db.pool.query('SELECT items FROM bench_runs WHERE id = $1', [run.id]);
    const order: string[] = rows[0].items.map((i: { id: string }) => i.id);
    const answerOf = (i: number) => numericItems.find((x) => x.id === order[i])!.answer!;
    fake.reset();
    fake.script(
      openaiCompat.completion({ content: `Answer: ${answerOf(0)}` }), // 0: right
      openaiCompat.completion({ content: `Answer: ${answerOf(1) + 1}` }), // 1: wrong
      openaiCompat.error(500), openaiCompat.error(500), openaiCompat.error(500), // 2: error after three tries
    );
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts).toEqual({ correct: 1, incorrect: 1, no_answer: 0, truncated: 0, error: 1 });

    fake.reset();
    fake.always(openaiCompat.completion({ content: right }));
    const retry = await app.inject({ method: 'POST', url: `/api/bench/runs/${run.id}/retry-errors`, headers: admin.headers });
    expect(retry.statusCode).toBe(202);
    expect(retry.json()).toMatchObject({ id: run.id, retried: 1 });
    const again = await finished(app, db, admin, run.id, retry.json().runId);
    expect(again.status).toBe('succeeded');
    expect(again.counts).toEqual({ correct: 2, incorrect: 1, no_answer: 0, truncated: 0, error: 0 });
    expect(completions().map((r) => itemOf(r.body).id)).toEqual([order[2]]);
    const { rows: history } = await db.pool.query('SELECT item_id, verdict, reasoning FROM bench_item_history WHERE bench_run_id = $1', [run.id]);
    expect(history).toEqual([{ item_id: order[2], verdict: 'error', reasoning: null }]);
    const nothingLeft = await app.inject({ method: 'POST', url: `/api/bench/runs/${run.id}/retry-errors`, headers: admin.headers });
    expect(nothingLeft.statusCode).toBe(400);
  }, 120_000);

  it('the same seed on two models samples the same items; the comparison shows the scripted differences and McNemar p', async () => {
    const wrongFor = new Set(numericItems.map((i) => i.id).sort().slice(0, 3));
    fake.always(openaiCompat.completion({
      content: (body) => (!isProbe(body) && body.model === 'model-b' && wrongFor.has(itemOf(body).id) ? 'Answer: -1' : right(body)),
    }));
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a', 'openai-compatible/model-b'], kinds: ['numeric'], seed: 'pair', budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [a, b] = created.body.runs;
    worker = await startBenchWorker(db, env, grader);
    const [sa, sb] = [await finished(app, db, admin, a.id, a.runId), await finished(app, db, admin, b.id, b.runId)];
    expect(sa.seed).toBe(sb.seed);
    const { rows } = await db.pool.query('SELECT items FROM bench_runs WHERE id = ANY($1::bigint[]) ORDER BY id', [[a.id, b.id]]);
    expect(rows[0].items).toEqual(rows[1].items);
    expect(sa.counts.correct).toBe(7);
    expect(sb.counts).toMatchObject({ correct: 4, incorrect: 3 });
    const page = await app.inject({ url: `/bench/compare?runs=${a.id},${b.id}`, headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    // Three discordant items, all A's: exact McNemar p = 2 · (1/2)³ = 0.25.
    expect(page.body).toMatch(/data-mcnemar>0\.25</);
    for (const id of wrongFor) expect(page.body).toContain(`>${id}</a></li>`);
    expect(page.body.match(/data-only-b/g)).toBeNull();
    expect(page.body).toContain('<svg role="img"');
  }, 90_000);
});

describe('access', () => {
  it('is for admins and users granted access (access.test.ts): anyone else gets a 404 from the pages and the API', async () => {
    const user = await signIn(app, db);
    for (const url of ['/bench', '/bench/new', '/api/bench/runs/1']) {
      expect((await app.inject({ url, headers: { cookie: user.cookie } })).statusCode, url).toBe(404);
    }
    const res = await app.inject({ method: 'POST', url: '/api/bench/runs', headers: { ...user.headers, 'content-type': 'application/json' }, payload: { models: ['offline/offline'] } });
    expect(res.statusCode).toBe(404);
    expect((await app.inject({ url: '/bench', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
  });
});

describe('offline', () => {
  it('offline/offline runs end to end with no key and no cost: the fixed baseline is graded like any answer', async () => {
    const created = await createViaApi(app, admin, { models: ['offline/offline'], kinds: ['numeric'], count: 3, seed: 'offline' });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    expect(run.estimate.usd).toBe(0);
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    // The baseline answers 0; no bank numeric answer is 0, so every item is graded incorrect.
    expect(s.counts).toEqual({ correct: 0, incorrect: 3, no_answer: 0, truncated: 0, error: 0 });
    expect(s.accuracy).toMatchObject({ p: 0, lo: 0 });
    expect(s.costUsd).toBe(0);
    expect(fake.requests).toHaveLength(0);
    const page = await app.inject({ url: `/bench/${run.id}`, headers: { cookie: admin.cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('offline/offline');
  }, 60_000);
});

describe('cancel', () => {
  it('keeps the items done, ends the run canceled, and the worker carries on', async () => {
    const slow = openaiCompat.completion({ delayMs: 300, content: right });
    fake.always(slow);
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], samples: 3, seed: 'cancel', concurrency: 2, budgetTokens: 1_000_000 });
    const [run] = created.body.runs;
    worker = await startBenchWorker(db, env, grader);
    await waitFor(async () => (await summary(app, admin, run.id)).progress.done >= 2, { what: 'two items recorded' });
    const res = await app.inject({ method: 'POST', url: `/bench/${run.id}/cancel`, headers: admin.headers });
    expect(res.statusCode).toBe(303);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('canceled');
    expect(s.progress.done).toBeGreaterThanOrEqual(2);
    expect(s.progress.done).toBeLessThan(21);
    expect(s.counts.correct).toBe(s.progress.done);
    // The same worker still takes work after the cancel.
    const next = await createViaApi(app, admin, { models: ['offline/offline'], kinds: ['numeric'], count: 1, seed: 'after-cancel' });
    expect((await finished(app, db, admin, next.body.runs[0].id, next.body.runs[0].runId)).status).toBe('succeeded');
  }, 60_000);
});

describe('exports', () => {
  it('the signed bundle verifies with the site key, and fails after one changed byte', async () => {
    const created = await createViaApi(app, admin, { models: ['offline/offline'], kinds: ['numeric'], count: 2, seed: 'export' });
    const [run] = created.body.runs;
    worker = await startBenchWorker(db, env, grader);
    await finished(app, db, admin, run.id, run.runId);
    const get = (url: string) => app.inject({ url, headers: { cookie: admin.cookie } });
    const csv = await get(`/bench/${run.id}/export/items.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.trim().split('\n')).toHaveLength(3);
    const bundle = (await get(`/bench/${run.id}/export/bundle.json`)).body;
    const key = /<pre data-public-key>([\s\S]*?)<\/pre>/.exec((await get('/bench')).body)![1]!.replace(/&#x2F;|&#47;/g, '/').replace(/&#x2B;|&#43;/g, '+').replace(/&#x3D;|&#61;/g, '=');
    const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
    writeFileSync(join(dir, 'site.pem'), key);
    const cli = (file: string) => spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'bench', 'verify-cli.js'), join(dir, file), join(dir, 'site.pem')], { encoding: 'utf8' });
    writeFileSync(join(dir, 'good.json'), bundle);
    const good = cli('good.json');
    expect(good.stdout + good.stderr).toContain('OK:');
    expect(good.status).toBe(0);
    // One changed byte inside an exported file: a digit of a token count in items.csv.
    const at = bundle.indexOf('items.csv": "') + 200;
    const digit = bundle.slice(at).search(/[0-9]/) + at;
    const bad = bundle.slice(0, digit) + (bundle[digit] === '1' ? '2' : '1') + bundle.slice(digit + 1);
    writeFileSync(join(dir, 'bad.json'), bad);
    const failed = cli('bad.json');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/FAILED: .*does not match its hash|FAILED: the signature/);
  }, 60_000);
});

describe('model code that tries to forge its verdict', () => {
  // From the grading-integrity issue: leave early, interrupt, patch the checker, print the harness's own protocol.
  const attacks = [
    'import sys\nsys.exit(0)\n',
    'import os\nos._exit(0)\n',
    'def softmax(xs):\n    raise SystemExit(0)\n\ndef logsumexp(xs):\n    raise SystemExit(0)\n\ndef log_softmax(xs):\n    raise SystemExit(0)\n',
    'raise KeyboardInterrupt\n',
    'import builtins\nbuiltins.check_close = lambda *a, **k: None\ncheck_close = lambda *a, **k: None\ndef softmax(xs): return []\ndef logsumexp(xs): return 0\ndef log_softmax(xs): return []\n',
    'print(\'{"t":"ev","ev":{"event":"result","name":"test_softmax_small_example","status":"pass"}}\')\ndef softmax(xs): return []\ndef logsumexp(xs): return 0\ndef log_softmax(xs): return []\n',
  ];
  it('is graded incorrect in a benchmark run, while the reference solution is graded correct', async () => {
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['code'], tags: ['logsumexp'], samples: attacks.length + 1, seed: 'forge', concurrency: 1, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    const solution = dataset.items.find((i) => i.id === 'stable-softmax')!;
    expect(run.estimate.items).toBe(1);
    fake.reset();
    const block = (code: string) => openaiCompat.completion({ content: `Here it is.\n\n\`\`\`python\n${code}\`\`\`` });
    fake.script(...attacks.map(block), block(loadBank().bySlug.get(solution.id)!.solution!));
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId, 180_000);
    expect(s.counts).toEqual({ correct: 1, incorrect: attacks.length, no_answer: 0, truncated: 0, error: 0 });
    const { rows } = await db.pool.query('SELECT sample, verdict FROM bench_items WHERE bench_run_id = $1 ORDER BY sample', [run.id]);
    expect(rows.map((r) => r.verdict)).toEqual([...attacks.map(() => 'incorrect'), 'correct']);
    // pass@k over K = 7 samples with one correct: pass@1 = 1/7, pass@7 = 1.
    expect(s.passAtK).toEqual([{ k: 1, value: expect.closeTo(1 / 7, 10) }, { k: 7, value: 1 }]);
  }, 240_000);
});

describe('budgets', () => {
  it('refuses a run whose estimate exceeds its budget, with the estimate in the message, and stores nothing', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM bench_runs');
    const res = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], budgetTokens: 500 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'budgetTokens' });
    expect(res.body.message).toMatch(/estimated [\d,]+ tokens, price unknown for 7 calls, over the budget of 500 tokens/);
    const unpriced = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'] });
    expect(unpriced.body.message).toMatch(/no known price: set a token budget/);
    const after = await db.pool.query('SELECT count(*)::int AS n FROM bench_runs');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('never has more calls open at the model than its concurrency', async () => {
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 6, seed: 'slots', concurrency: 2, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    fake.reset();
    fake.always(openaiCompat.completion({ content: right }));
    // Nothing is answered until two calls are open: a limit that let a third through would show here.
    const release = fake.hold();
    worker = await startBenchWorker(db, env, grader);
    await waitFor(async () => fake.open >= 2, { what: 'two calls open at the fake' });
    release();
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    expect(completions()).toHaveLength(6);
    expect(fake.peakOpen).toBe(2);
  }, 60_000);

  it('a run whose budget runs out stops with its items kept and sends nothing more', async () => {
    // The fake reports 400 prompt tokens a call, over twice what the estimate expects (~180 a call for these
    // prompts), so the run's spend overtakes its budget part-way although the estimate fitted.
    const heavy = openaiCompat.completion({ content: right, usage: { prompt_tokens: 400 } });
    fake.always(heavy);
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], seed: 'budget', maxOutputTokens: 16, concurrency: 1, budgetTokens: 1400 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    expect(run.estimate.tokens).toBeLessThanOrEqual(1400);
    fake.reset();
    fake.always(heavy);
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('failed');
    expect(s.error.code).toBe('budget_spent');
    expect(s.error.message).toMatch(/Budget of 1400 tokens spent .* items done and kept/);
    const done = s.progress.done;
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(7);
    expect(s.counts.correct).toBe(done);
    expect(completions()).toHaveLength(done);
    // No call started once its estimate no longer fitted: before the last call the spend plus that call's estimate
    // (under 200 tokens) was within budget; the last call may pass it by its excess over the estimate.
    const lastCall = 400 + Math.ceil(Buffer.byteLength(right(completions().at(-1)!.body)) / 4);
    expect(s.spent.tokens - lastCall + 200).toBeGreaterThan(1400 - 410);
    expect(s.spent.tokens - lastCall).toBeLessThanOrEqual(1400 - 130);
  }, 60_000);

  it('the daily cap pauses a run, which resumes when the cap is raised; the fake never served more tokens than the cap', async () => {
    const heavy = openaiCompat.completion({ content: right, usage: { prompt_tokens: 400 } });
    fake.always(heavy);
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], seed: 'cap', maxOutputTokens: 16, concurrency: 2, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    fake.reset();
    fake.always(heavy);
    const { rows } = await db.pool.query(`SELECT coalesce(sum(used_tokens + reserved_tokens), 0)::int AS used FROM llm_daily_usage WHERE user_id = $1`, [admin.user.id]);
    const room = 1200; // two or three calls at ~410 tokens each
    await setUserCap(db.pool, admin.user.id, rows[0].used + room, null);
    worker = await startBenchWorker(db, env, grader);
    await waitFor(async () => (await summary(app, admin, run.id)).state === 'paused', { what: 'the run to pause' });
    const paused = await summary(app, admin, run.id);
    expect(paused.status).toBe('running');
    expect(paused.stateReason).toMatch(/daily token cap/);
    // What the fake reported serving: 400 prompt tokens plus the answer's tokens (its four-bytes-a-token count).
    const served = () => completions().reduce((n, r) => n + 400 + Math.ceil(Buffer.byteLength(right(r.body)) / 4), 0);
    expect(completions().length).toBeLessThan(7);
    expect(served()).toBeLessThanOrEqual(room);
    const page = await app.inject({ url: `/bench/${run.id}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('daily token cap');
    await setUserCap(db.pool, admin.user.id, rows[0].used + 1_000_000, null);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    expect(s.state).toBe('active');
    expect(s.counts.correct).toBe(7);
    const { rows: dup } = await db.pool.query('SELECT count(*)::int AS n, count(DISTINCT item_id)::int AS d FROM bench_items WHERE bench_run_id = $1', [run.id]);
    expect(dup[0]).toEqual({ n: 7, d: 7 });
    // Every item was asked for exactly once: a call refused by the cap is refused before it is sent.
    expect(completions()).toHaveLength(7);
  }, 60_000);
});
