/**
 * Practice through a model: the real LLM layer and the real Anthropic SDK against the loopback fake Messages API.
 * AI hints carry the problem, the current code and the hints so far under a prompt that forbids the solution;
 * reviews and rubric scores come from the model when it answers, and from the offline path when it cannot.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CodeGrade } from '../../../src/practice/offline-review.js';
import { reviewCode, scoreWritten } from '../../../src/practice/review.js';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../../fakes/anthropic.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { bank, form, practiceApp } from './helpers.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
let app: FastifyInstance;
let user: SignedIn;
const code = bank.bySlug.get('stable-softmax')!;
const written = bank.problems.find((p) => p.kind === 'written')!;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  app = await practiceApp(db, { env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, LLM_MAX_RETRIES: '0', LLM_TIMEOUT_MS: '2000' } });
  user = await signIn(app, db);
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const post = (url: string, fields: Record<string, string>) => {
  const f = form(fields);
  return app.inject({ method: 'POST', url, payload: f.payload, headers: { ...f.headers, ...user.headers, 'hx-request': 'true' } });
};
const lastRequest = () => fake.requests.at(-1)!.body as { system: string; messages: { content: string }[] };

describe('Ask the AI for a hint', () => {
  it('sends the problem, the current code and the hints so far, and forbids the solution', async () => {
    await post(`/problems/${code.slug}/hints`, {});
    fake.script(anthropic.message({ text: 'Compare the largest logit with what `math.exp` can represent.' }));
    const res = await post(`/problems/${code.slug}/hints/ai`, { code: 'def softmax(xs):\n    return [math.exp(x) for x in xs]  # mine\n' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<p class="hint-label">AI hint</p>');
    expect(res.body).toContain('Compare the largest logit');
    const sent = lastRequest();
    expect(sent.system).toMatch(/Never give the solution/);
    const prompt = sent.messages[0]!.content;
    expect(prompt).toContain(code.title);
    expect(prompt).toContain('return [math.exp(x) for x in xs]  # mine');
    expect(prompt).toContain(code.hints[0]);
    expect(prompt).not.toContain(code.hints[1]);
    const { rows } = await db.pool.query(`SELECT ai_hints FROM problem_user_state WHERE user_id = $1 AND slug = $2`, [user.user.id, code.slug]);
    expect(rows[0].ai_hints).toHaveLength(1);
    expect(rows[0].ai_hints[0].source).toBe('llm');
  });

  it('falls back to the offline helper when the provider refuses, and says so', async () => {
    fake.script(anthropic.unauthorized());
    const res = await post(`/problems/${code.slug}/hints/ai`, { code: 'raise NotImplementedError' });
    expect(res.body).toContain('Hint from the offline helper');
    expect(res.body).toContain('AI is unavailable right now; showing offline hints');
    expect(res.body).toContain('still raises <code>NotImplementedError</code>');
  });

  it('the prompt carries only the last few AI answers, and the page lists only the latest', async () => {
    const asker = await signIn(app, db);
    const ask = () => {
      const f = form({ code: 'pass' });
      return app.inject({ method: 'POST', url: `/problems/${written.slug}/hints/ai`, payload: f.payload, headers: { ...f.headers, ...asker.headers, 'hx-request': 'true' } });
    };
    for (let i = 1; i <= 8; i++) {
      fake.script(anthropic.message({ text: `Model hint number ${i}.` }));
      expect((await ask()).statusCode).toBe(200);
    }
    // A stand-in (the provider refused) is shown and counted, but never becomes history.
    fake.script(anthropic.unauthorized());
    expect((await ask()).body).toContain('AI is unavailable right now');
    fake.script(anthropic.message({ text: 'Model hint number 10.' }));
    const last = await ask();
    const prompt = lastRequest().messages[0]!.content;
    for (const i of [6, 7, 8]) expect(prompt).toContain(`Model hint number ${i}.`);
    for (const i of [1, 4, 5]) expect(prompt).not.toContain(`Model hint number ${i}.`);
    expect(prompt).not.toContain('You have seen every canned hint');
    expect(prompt).not.toMatch(/Next step:/);
    // The page: the latest five answers, and how many are not listed.
    expect(last.body.match(/class="hint card hint-ai"/g)).toHaveLength(5);
    expect(last.body).toContain('Model hint number 10.');
    expect(last.body).not.toContain('Model hint number 4.');
    expect(last.body).toContain('5 earlier AI hints not listed');
    const { rows } = await db.pool.query(`SELECT ai_hints, ai_hints_used FROM problem_user_state WHERE user_id = $1 AND slug = $2`, [asker.user.id, written.slug]);
    expect(rows[0].ai_hints_used).toBe(10);
    expect(rows[0].ai_hints.map((h: { text: string }) => h.text)).toEqual([5, 6, 7, 8, 10].map((i) => `Model hint number ${i}.`));
  });
});

describe('Ask the AI for a hint over the daily cap', () => {
  let capped: FastifyInstance;
  let capUser: SignedIn;
  beforeAll(async () => {
    capped = await practiceApp(db, { env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_DAILY_TOKEN_CAP: '0' } });
    capUser = await signIn(capped, db);
  });
  afterAll(() => capped?.close());

  const stateOf = async () =>
    (await db.pool.query(`SELECT ai_hints, ai_hints_used FROM problem_user_state WHERE user_id = $1 AND slug = $2`, [capUser.user.id, code.slug])).rows[0];

  it('says the budget is used up and when it resets, counts the hint, and keeps no history of it', async () => {
    const f = form({ code: 'raise NotImplementedError' });
    const res = await capped.inject({ method: 'POST', url: `/problems/${code.slug}/hints/ai`, payload: f.payload, headers: { ...f.headers, ...capUser.headers, 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('AI budget for today is used up; resets at 00:00 UTC');
    expect(res.body).toContain('still raises <code>NotImplementedError</code>');
    expect(fake.requests).toHaveLength(0); // the cap stopped it before the provider
    expect(await stateOf()).toMatchObject({ ai_hints: [], ai_hints_used: 1 });
  });

  it('without JavaScript the answer and the notice are on the page it renders (nothing to redirect back to)', async () => {
    const f = form({ code: 'raise NotImplementedError' });
    const res = await capped.inject({ method: 'POST', url: `/problems/${code.slug}/hints/ai`, payload: f.payload, headers: { ...f.headers, ...capUser.headers } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html');
    expect(res.body).toContain('AI budget for today is used up; resets at 00:00 UTC');
    expect(res.body).toContain('raise NotImplementedError'); // the typed code is still in the editor
    expect(await stateOf()).toMatchObject({ ai_hints: [], ai_hints_used: 2 });
  });
});

describe('reviews', () => {
  const grade: CodeGrade = {
    status: 'failed',
    tests: [
      { name: 'test_softmax_small_example', suite: 'visible', status: 'fail', message: 'values not close', expected: '[0.09, 0.24, 0.67]', actual: '[1.0, 1.0, 1.0]' },
      { name: 'test_empty_input', suite: 'hidden', status: 'pass', message: '' },
    ],
  };

  it('a code review comes from the model, with the test results in the prompt', async () => {
    fake.script(anthropic.message({ text: '### Correctness\nYou never normalise.' }));
    const review = await reviewCode(app.llm, { userId: user.user.id, problem: code, code: 'def softmax(xs): ...', grade });
    expect(review).toEqual({ text: '### Correctness\nYou never normalise.', source: 'llm' });
    const prompt = lastRequest().messages[0]!.content;
    expect(prompt).toContain('test_softmax_small_example: fail (expected [0.09, 0.24, 0.67], got [1.0, 1.0, 1.0])');
    expect(lastRequest().system).toContain('What an interviewer might ask next');
  });

  it('without the model the review is the offline one, with the notice', async () => {
    fake.script(anthropic.unauthorized());
    const review = await reviewCode(app.llm, { userId: user.user.id, problem: code, code: 'def softmax(xs):\n    print(xs)\n', grade });
    expect(review.source).toBe('offline');
    expect(review.notice).toBeTruthy();
    expect(review.text).toContain('expected `[0.09, 0.24, 0.67]`, got `[1.0, 1.0, 1.0]`');
    expect(review.text).toContain('leftover `print`');
  });

  it('a written answer is scored point by point by the model', async () => {
    const n = written.rubric!.length;
    const points = written.rubric!.map((_, i) => ({ covered: i === 0, comment: `point ${i + 1}` }));
    fake.script(anthropic.message({ text: JSON.stringify({ points, feedback: 'Say more about freshness.' }) }));
    const { score, review } = await scoreWritten(app.llm, { userId: user.user.id, problem: written, answer: 'A considered answer.' });
    expect(score).toMatchObject({ covered: 1, total: n, estimate: false, source: 'llm' });
    expect(score.points[1]).toMatchObject({ covered: false, comment: 'point 2' });
    expect(review.source).toBe('llm');
    expect(review.text).toContain('Say more about freshness.');
    expect(lastRequest().messages[0]!.content).toContain(`1. ${written.rubric![0]!.point}`);
  });

  it('an unreadable rubric verdict falls back to the labelled keyword estimate', async () => {
    fake.script(anthropic.message({ text: 'Looks good to me!' }));
    // A keyword of the first point that the question itself does not already use (those never count).
    const prompt = `${written.title}\n${written.statement}`.toLowerCase();
    const keyword = written.rubric![0]!.keywords.find((k) => !prompt.includes(k))!;
    const { score, review } = await scoreWritten(app.llm, { userId: user.user.id, problem: written, answer: `We use ${keyword}.` });
    expect(score).toMatchObject({ estimate: true, source: 'offline' });
    expect(score.points[0]).toMatchObject({ covered: true, matched: [keyword] });
    expect(review.notice).toMatch(/could not be read/);
    expect(review.text).toContain('Estimate');
  });
});
