/**
 * Grading attempts end to end: submissions saved through HTTP, graded by the real sandboxed grader pool through
 * gradeAttempt (what the worker's grade-attempt run calls), then read back as the page's verdict fragment.
 * Verdicts for a correct, a wrong, a crashing, an infinite-loop and a memory-hog submission, and one submission
 * graded by a real worker process claiming the run from the queue. Written answers are in written.test.ts.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import { gradeAttempt } from '../../../src/practice/grading.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from '../runs/helpers.js';
import { bank, form, practiceApp } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let user: SignedIn;
const quiet = { info() {}, warn() {} };
let grader: ReturnType<typeof createGraderPool>;
const workers: WorkerProcess[] = [];
const problem = bank.bySlug.get('stable-softmax')!;
// Test timeouts here only bound a hang: on a loaded 2-core machine booting Pyodide and grading can take minutes.

beforeAll(async () => {
  app = await practiceApp(db);
  user = await signIn(app, db);
  // A time limit no attempt reaches on a busy machine (a 2 s one turned a slow crash into 'timeout'); the timeout
  // test below has a pool of its own with the 2 s limit it is about.
  grader = createGraderPool({ size: 2, timeLimitMs: 600_000, memoryLimitMb: 320, logger: quiet });
  await grader.whenWarm();
}, 300_000);
afterAll(async () => {
  await killAll(workers);
  await grader?.close();
  await app?.close();
});

async function submit(slug: string, field: 'code' | 'answer', text: string): Promise<string> {
  const f = form({ [field]: text });
  const res = await app.inject({ method: 'POST', url: `/problems/${slug}/submit`, payload: f.payload, headers: { ...f.headers, ...user.headers } });
  expect(res.statusCode).toBe(303);
  return /attempts\/([0-9a-f-]{36})$/.exec(res.headers.location as string)![1]!;
}

async function fragment(slug: string, id: string): Promise<string> {
  // As the problem page polls it: the final verdict carries the page parts it changes (solution included).
  const res = await app.inject({ url: `/problems/${slug}/attempts/${id}/status?in=problem`, headers: { cookie: user.cookie, 'hx-request': 'true' } });
  expect(res.statusCode).toBe(200);
  return res.body;
}

async function gradeCode(code: string, pool = grader) {
  const id = await submit(problem.slug, 'code', code);
  const summary = await gradeAttempt({ db: db.pool, grader: pool, llm: app.llm }, id);
  return { id, summary, html: await fragment(problem.slug, id) };
}

describe('grading verdicts', () => {
  it('a correct solution passes every visible and hidden test, with a review and the solution unlocked', async () => {
    const { summary, html } = await gradeCode(problem.solution!);
    expect(summary).toMatchObject({ status: 'passed', score: 1 });
    expect(html).toContain('data-final="true"');
    expect(html).not.toContain('hx-trigger="every 1s"');
    const total = problem.cases!.length;
    expect(html).toContain(`${total} of ${total} tests passed`);
    expect(html).toContain('>hidden</span>');
    expect(html).toContain('<h3>Correctness</h3>');
    expect(html).toContain('id="solution"');
    expect(html).toContain('hx-swap-oob="true"');
  }, 120_000);

  it('a wrong solution fails with expected and actual values, in the results and the offline review', async () => {
    const wrong = problem.solution!.replace('return [e / total for e in exps]', 'return exps');
    expect(wrong).not.toBe(problem.solution);
    const { summary, html } = await gradeCode(wrong);
    expect(summary.status).toBe('failed');
    expect(html).toMatch(/<span class="badge badge-fail">fail<\/span>/);
    expect(html).toMatch(/expected <code>\[0\.09003057317038046/);
    expect(html).toContain('Review');
    expect(html).toMatch(/<strong>softmax_small_example<\/strong>: fail/);
  }, 120_000);

  it('a crashing solution is an error with the exception, and leftover NotImplementedError is flagged', async () => {
    const { summary, html } = await gradeCode(problem.starter!);
    expect(summary.status).toBe('error');
    expect(html).toContain('NotImplementedError');
    expect(html).toContain('still raises <code>NotImplementedError</code>');
  }, 120_000);

  it('an infinite loop is stopped and reported verbatim as "timed out after 2 s"', async () => {
    const quick = createGraderPool({ size: 1, timeLimitMs: 2000, memoryLimitMb: 320, logger: quiet });
    try {
      const { summary, html } = await gradeCode('def softmax(xs):\n    while True:\n        pass\n\ndef logsumexp(xs):\n    return 0\n\ndef log_softmax(xs):\n    return xs\n', quick);
      expect(summary.status).toBe('timeout');
      expect(html).toContain('timed out after 2 s');
      expect(html).toMatch(/badge-timeout">timeout</);
    } finally {
      await quick.close();
    }
  }, 300_000);

  it('a memory hog is killed at the memory limit', async () => {
    const hog = 'def softmax(xs):\n    hoard = []\n    while True:\n        hoard.append(bytearray(8 * 1024 * 1024))\n\ndef logsumexp(xs):\n    return 0\n\ndef log_softmax(xs):\n    return xs\n';
    const { summary, html } = await gradeCode(hog);
    expect(summary.status).toBe('memory');
    expect(html).toContain('Memory limit exceeded');
    expect(html).toContain('memory limit of 320 MB exceeded');
  }, 300_000);

  it('grading twice does not change a verdict (a retried run is harmless)', async () => {
    const { id } = await gradeCode(problem.solution!);
    const again = await gradeAttempt({ db: db.pool, grader, llm: app.llm }, id);
    expect(again.status).toBe('passed');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM attempts WHERE id = $1 AND status = $2', [id, 'passed']);
    expect(rows[0].n).toBe(1);
  }, 120_000);
});

describe('through the queue', () => {
  it('a real worker process claims the grade-attempt run and the page shows the verdict', async () => {
    const id = await submit(problem.slug, 'code', problem.solution!);
    const worker = spawnWorker(db.url, { LOG_LEVEL: 'warn' });
    workers.push(worker);
    await worker.ready(db.pool);
    const html = await waitFor(
      async () => {
        const body = await fragment(problem.slug, id);
        return body.includes('data-final="true"') ? body : undefined;
      },
      { what: 'the attempt to be graded by the worker', intervalMs: 250 },
    );
    expect(html).toContain('>Passed</span>');
    expect(html).toContain('Review');
    const { rows } = await db.pool.query('SELECT r.status FROM runs r JOIN attempts a ON a.run_id = r.id WHERE a.id = $1', [id]);
    expect(rows[0].status).toBe('succeeded');
  }, 300_000);
});
