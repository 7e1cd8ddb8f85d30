/**
 * The scripted acceptance, once per provider: a fake OpenAI-compatible server and a fake Anthropic Messages
 * API on 127.0.0.1, driven through the real `openai` and `@anthropic-ai/sdk` clients, answer a seeded run from a
 * script -- right, wrong, thinking then the answer, reasoning only, no answer, truncated, 429 with Retry-After, 500
 * -- and every answer is graded as scripted. Written items: the same fakes script the answer and the judge.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import type { RunningWorker } from '../../../worker/runtime.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type AnthropicStep, type FakeAnthropic } from '../../fakes/anthropic.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible, type OpenAiStep } from '../../fakes/openai-compatible.js';
import type { RecordedRequest } from '../../fakes/scripted-server.js';
import { benchApp, createViaApi, dataset, fakeEnv, finished, isProbe, startBenchWorker } from './helpers.js';

const db = useTestDatabase();
let openai: FakeOpenAiCompatible;
let claude: FakeAnthropic;
let app: FastifyInstance;
let admin: SignedIn;
let grader: ReturnType<typeof createGraderPool>;
let worker: RunningWorker | undefined;
let env: Record<string, string>;

beforeAll(async () => {
  [openai, claude] = await Promise.all([startFakeOpenAiCompatible(), startFakeAnthropic()]);
  env = fakeEnv(openai.url, { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: claude.url });
  app = await benchApp(db, env);
  admin = await signIn(app, db, { admin: true });
  grader = createGraderPool({ size: 1, timeLimitMs: 120_000, memoryLimitMb: 320, logger: { info() {}, warn() {} } });
}, 120_000);
afterEach(async () => {
  await worker?.shutdown();
  worker = undefined;
  openai.reset();
  claude.reset();
});
afterAll(async () => {
  await grader?.close();
  await app?.close();
  await Promise.all([openai?.close(), claude?.close()]);
});

/** One provider's fake and how each scripted behaviour is written for it. */
interface Case {
  name: string;
  model: string;
  judge: string;
  fake: () => { requests: RecordedRequest[]; reset(): void; script(...steps: never[]): void };
  text(t: string | ((body: any) => string)): unknown;
  reasoningOnly(reasoning: string): unknown;
  truncated(t: string): unknown;
  rateLimited(): unknown;
  serverError(): unknown;
  isJudge(body: any): boolean;
}

const JUDGE_SYSTEM = 'You grade a written answer';
const cases: Case[] = [
  {
    name: 'openai-compatible',
    model: 'openai-compatible/model-a',
    judge: 'openai-compatible/model-b',
    fake: () => openai,
    text: (t) => openaiCompat.completion({ content: t }),
    reasoningOnly: (r) => openaiCompat.completion({ content: null, reasoning: r, reasoningField: 'reasoning_content' }),
    truncated: (t) => openaiCompat.completion({ content: t, finishReason: 'length' }),
    rateLimited: () => openaiCompat.rateLimited({ retryAfter: '1' }),
    serverError: () => openaiCompat.error(500),
    isJudge: (body) => String(body.messages?.[0]?.content).startsWith(JUDGE_SYSTEM),
  },
  {
    name: 'anthropic',
    model: 'anthropic/claude-sonnet-5-5',
    judge: 'anthropic/claude-haiku-5-5',
    fake: () => claude,
    text: (t) => anthropic.message({ text: t }),
    // Extended thinking with the answer only in the thinking block: the text block is empty.
    reasoningOnly: (r) => anthropic.message({ text: '', thinking: r }),
    truncated: (t) => anthropic.message({ text: t, stopReason: 'max_tokens' }),
    rateLimited: () => anthropic.rateLimited({ retryAfter: '1' }),
    serverError: () => anthropic.error(500, 'api_error'),
    isJudge: (body) => String(body.system).startsWith(JUDGE_SYSTEM),
  },
];

/** Wilson's 95% interval for k of n, written out here so the test does not lean on src/bench/stats.ts. */
function wilsonByHand(k: number, n: number): { lo: number; hi: number } {
  const z = 1.959963984540054;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lo: centre - half, hi: centre + half };
}

async function sampledOrder(id: string): Promise<string[]> {
  const { rows } = await db.pool.query('SELECT items FROM bench_runs WHERE id = $1', [id]);
  return rows[0].items.map((i: { id: string }) => i.id);
}

async function itemRows(id: string): Promise<Map<string, any>> {
  const res = await app.inject({ url: `/api/bench/runs/${id}/items`, headers: { cookie: admin.cookie } });
  return new Map(res.body.trim().split('\n').map((l) => JSON.parse(l)).map((i: any) => [i.itemId, i]));
}

describe.each(cases)('a seeded run against the $name fake', (c) => {
  it('grades every scripted answer as scripted; counts and the Wilson interval match a hand computation', async () => {
    const created = await createViaApi(app, admin, { models: [c.model], kinds: ['numeric'], count: 7, seed: `scripted-${c.name}`, concurrency: 1, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    const order = await sampledOrder(run.id);
    expect(order).toHaveLength(7);
    const answer = (i: number) => dataset.items.find((x) => x.id === order[i])!.answer!;
    const fake = c.fake();
    fake.reset();
    // Concurrency 1: requests arrive in sampling order, so the script assigns one behaviour per item.
    fake.script(
      ...([
        c.rateLimited(), c.text(`Answer: ${answer(0)}`), // 0: 429 with Retry-After, then right -> correct
        c.text(`Answer: ${answer(1) + 1}`), // 1: wrong -> incorrect
        c.text(`<think>Answer: ${answer(2) + 7}</think>So:\nAnswer: ${answer(2)}`), // 2: thinking, then the answer -> correct
        c.reasoningOnly(`Long thought.\nAnswer: ${answer(3)}`), // 3: the answer only in the reasoning -> no_answer
        c.text('I cannot determine this.'), // 4: no answer
        c.truncated(`Let me start by writing ${answer(5)}`), // 5: cut off at max tokens -> truncated
        c.serverError(), c.serverError(), c.serverError(), // 6: 500, retried, then error
      ] as never[]),
    );
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts).toEqual({ correct: 2, incorrect: 1, no_answer: 2, truncated: 1, error: 1 });
    // Accuracy over the six graded answers (error left out): 2 of 6.
    const hand = wilsonByHand(2, 6);
    expect(s.accuracy.p).toBeCloseTo(1 / 3, 10);
    expect(s.accuracy.lo).toBeCloseTo(hand.lo, 6);
    expect(s.accuracy.hi).toBeCloseTo(hand.hi, 6);
    expect(hand.lo).toBeCloseTo(0.0968, 3); // and the formula itself, checked against a table value
    const calls = fake.requests.filter((r) => !isProbe(r.body));
    expect(calls).toHaveLength(10);
    // The retry after the 429 waited out its Retry-After of one second.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
    const rows = await itemRows(run.id);
    expect(rows.get(order[0])).toMatchObject({ verdict: 'correct', attempts: 2, extraction: 'answer_line' });
    expect(rows.get(order[2])).toMatchObject({ verdict: 'correct', extracted: String(answer(2)) });
    // The reasoning is kept on the row and never read for an answer.
    expect(rows.get(order[3])).toMatchObject({ verdict: 'no_answer', response: '', reasoning: expect.stringContaining(`Answer: ${answer(3)}`) });
    expect(rows.get(order[5])).toMatchObject({ verdict: 'truncated', stopReason: c.name === 'anthropic' ? 'max_tokens' : 'length' });
    expect(rows.get(order[6])).toMatchObject({ verdict: 'error', errorKind: 'overloaded', attempts: 3 });
  }, 120_000);

  it('written items: the judge scores the rubric (model and prompt version on each row); a malformed judge reply is an error', async () => {
    const written = dataset.items.filter((i) => i.kind === 'written');
    const created = await createViaApi(app, admin, { models: [c.model], judge: c.judge, kinds: ['written'], seed: `judge-${c.name}`, concurrency: 1, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    // One answer and one judge call per item with a judged answer.
    expect(run.estimate.calls).toBe(written.length * 2);
    const order = await sampledOrder(run.id);
    const points = (i: number) => written.find((x) => x.id === order[i])!.rubric!.length;
    const verdicts = (covered: number, n: number) => JSON.stringify({ points: Array.from({ length: n }, (_, j) => ({ covered: j < covered, comment: 'scripted' })) });
    const fake = c.fake();
    fake.reset();
    fake.script(
      ...([
        c.text('A considered answer.'), c.text(verdicts(points(0), points(0))), // 0: every point -> correct
        c.text('A thin answer.'), c.text(verdicts(1, points(1))), // 1: one point -> incorrect
        c.text('An answer.'), c.text('Looks good to me, 8/10.'), // 2: the judge replies prose -> error
        c.text('<think>no idea</think>'), // 3: nothing but thinking -> no_answer, no judge call
        c.truncated('The first thing to consider is'), // 4: cut off -> truncated, no judge call
        c.text('Another answer.'), c.text('```json\n' + verdicts(Math.ceil(points(5) * 0.6), points(5)) + '\n```'), // 5: 60% in a fence -> correct
      ] as never[]),
    );
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts).toEqual({ correct: 2, incorrect: 1, no_answer: 1, truncated: 1, error: 1 });
    expect(s.estimate).toBeNull();
    const hand = wilsonByHand(2, 5);
    expect(s.accuracy.p).toBeCloseTo(0.4, 10);
    expect(s.accuracy.lo).toBeCloseTo(hand.lo, 6);
    expect(s.accuracy.hi).toBeCloseTo(hand.hi, 6);
    const judgeCalls = c.fake().requests.filter((r) => !isProbe(r.body) && c.isJudge(r.body));
    expect(judgeCalls).toHaveLength(4);
    // The judge saw the rubric and the answer it scores.
    expect(JSON.stringify(judgeCalls[0]!.body)).toContain('A considered answer.');
    const [provider, model] = c.judge.split('/');
    const rows = await itemRows(run.id);
    expect(rows.get(order[0])!.graderOutput).toMatchObject({ judged: true, covered: points(0), total: points(0), judge: { provider, model, promptId: 'bench-judge', promptVersion: expect.any(String) } });
    expect(rows.get(order[1])!.graderOutput).toMatchObject({ judged: true, covered: 1 });
    expect(rows.get(order[2])).toMatchObject({ verdict: 'error', errorKind: 'judge_malformed', response: 'An answer.' });
    expect(rows.get(order[2])!.graderOutput).toMatchObject({ judged: false, judgeReply: 'Looks good to me, 8/10.' });
    // The judge's tokens are part of the run's spend.
    const answerTokens = [...rows.values()].reduce((n, r) => n + r.inputTokens + r.outputTokens, 0);
    expect(s.spent.tokens).toBeGreaterThan(answerTokens);
    const page = await app.inject({ url: `/bench/${run.id}/items/${order[0]}/0`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain(`Judge: ${c.judge}, prompt bench-judge`);
  }, 120_000);
});

describe('written items without a judge', () => {
  it('get the offline keyword estimate, labelled and kept out of the judged counts and score', async () => {
    const written = dataset.items.filter((i) => i.kind === 'written');
    const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['written'], seed: 'estimate', concurrency: 1, budgetTokens: 1_000_000 });
    expect(created.status).toBe(201);
    const [run] = created.body.runs;
    const order = await sampledOrder(run.id);
    const items = order.map((id) => written.find((x) => x.id === id)!);
    // The first three answers list every rubric keyword; the rest mention none.
    openai.reset();
    openai.script(...items.map((item, i) => openaiCompat.completion({ content: i < 3 ? item.rubric!.flatMap((r) => r.keywords).join(', ') : 'No idea at all.' })));
    worker = await startBenchWorker(db, env, grader);
    const s = await finished(app, db, admin, run.id, run.runId);
    // Nothing judged: no counts, no accuracy, and the run says it is inconclusive.
    expect(s.status).toBe('inconclusive');
    expect(s.counts).toEqual({ correct: 0, incorrect: 0, no_answer: 0, truncated: 0, error: 0 });
    expect(s.accuracy).toBeNull();
    // By hand: a point counts when one of its keywords is in the answer and not already in the question.
    const coverage = items.map((item, i) => {
      if (i >= 3) return 0;
      const question = `${item.title}\n${item.statement}`.toLowerCase().replace(/\s+/g, ' ');
      return item.rubric!.filter((r) => r.keywords.some((k) => !question.includes(k))).length / item.rubric!.length;
    });
    expect(s.estimate).toEqual({
      items: items.length,
      meanCoverage: expect.closeTo(coverage.reduce((a, b) => a + b, 0) / items.length, 10),
      atPassShare: coverage.filter((x) => x >= 0.6).length,
    });
    expect(s.estimate.atPassShare).toBeGreaterThan(0);
    const page = await app.inject({ url: `/bench/${run.id}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('Offline estimate, not judged and not in the accuracy above');
    expect(openai.requests.filter((r) => !isProbe(r.body))).toHaveLength(items.length);
  }, 120_000);

  it('an offline model cannot judge', async () => {
    const res = await createViaApi(app, admin, { models: ['offline/offline'], judge: 'offline/offline', kinds: ['written'] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'judge', message: expect.stringMatching(/cannot judge/) });
  });
});
