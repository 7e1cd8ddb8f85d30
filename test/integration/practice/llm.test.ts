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
    expect(res.body).toContain('still raises <code>NotImplementedError</code>');
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
