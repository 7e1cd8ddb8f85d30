/**
 * Written answers without an AI model, through real HTTP and gradeAttempt (what the worker's run calls): keyword
 * coverage is an estimate, never a verdict. A bare list of every rubric keyword is labelled an estimate, does not
 * mark the problem solved and does not reveal the write-up; copying the question scores nothing; the user's own
 * ticks against the rubric are recorded as self-assessed and shown apart from judged results on /progress.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeAttempt, type Grader } from '../../../src/practice/grading.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { bank, form, practiceApp } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let user: SignedIn;
const written = bank.problems.find((p) => p.kind === 'written')!;
const rubric = written.rubric!;
// Written answers never reach the sandbox: a call here would be a bug, so it fails loudly.
const noSandbox: Grader = { grade: () => Promise.reject(new Error('a written answer reached the sandbox')) };

beforeAll(async () => {
  app = await practiceApp(db);
  user = await signIn(app, db);
});
afterAll(() => app?.close());

const get = (url: string, who = user) => app.inject({ url, headers: { cookie: who.cookie } });

async function submitAndGrade(answer: string, who = user) {
  const f = form({ answer });
  const res = await app.inject({ method: 'POST', url: `/problems/${written.slug}/submit`, payload: f.payload, headers: { ...f.headers, ...who.headers } });
  expect(res.statusCode).toBe(303);
  const id = /attempts\/([0-9a-f-]{36})$/.exec(res.headers.location as string)![1]!;
  const summary = await gradeAttempt({ db: db.pool, grader: noSandbox, llm: app.llm }, id);
  return { id, summary };
}

function selfAssess(id: string, ticks: number[], who = user) {
  const payload = [...ticks.map((i) => `covered=${i}`), `_csrf=${encodeURIComponent(who.csrf)}`].join('&');
  return app.inject({
    method: 'POST',
    url: `/problems/${written.slug}/attempts/${id}/self-assess`,
    payload,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie },
  });
}

describe('the offline estimate', () => {
  let keywordList: { id: string; summary: Awaited<ReturnType<typeof gradeAttempt>> };

  it('a bare list of every rubric keyword is an estimate, not a pass', async () => {
    keywordList = await submitAndGrade(rubric.flatMap((r) => r.keywords).join(', '));
    expect(keywordList.summary.status).toBe('estimated');
    const status = await app.inject({ url: `/problems/${written.slug}/attempts/${keywordList.id}/status`, headers: { cookie: user.cookie, 'hx-request': 'true' } });
    expect(status.body).toContain('data-attempt-status="estimated"');
    expect(status.body).toContain('Estimate, not a verdict');
    expect(status.body).toContain('does not mark the problem solved');
    expect(status.body).not.toContain('badge-pass');
  });

  it('does not mark the problem solved or reveal the write-up', async () => {
    const page = await get(`/problems/${written.slug}`);
    expect(page.body).not.toContain('badge-solved');
    expect(page.body).toContain('appear here once you pass, or if you give up');
    expect(page.body).toContain('badge badge-inconclusive">estimate</span>');
    const list = await get('/problems');
    expect(list.body).toMatch(new RegExp(`data-slug="${written.slug}"[\\s\\S]*?badge-attempted`));
    const progress = await get('/progress');
    expect(progress.body).toMatch(/data-stat="solved">0 /);
  });

  it('keywords the question already contains do not count: copying the statement scores nothing', async () => {
    const { summary } = await submitAndGrade(`${written.title}\n${written.statement}`);
    expect(summary).toMatchObject({ status: 'estimated', score: 0 });
  });
});

describe('self-assessment', () => {
  it('records the ticked points as self-assessed, shown apart from judged results', async () => {
    const { id } = await submitAndGrade('A short answer of my own.');
    const form = await get(`/problems/${written.slug}/attempts/${id}`);
    expect(form.body.match(/name="covered"/g)).toHaveLength(rubric.length);

    const all = rubric.map((_, i) => i);
    const res = await selfAssess(id, all);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/problems/${written.slug}/attempts/${id}?assessed=1#self-assessment`);
    const after = await get(res.headers.location as string);
    expect(after.body).toContain(`data-self-assessed="${rubric.length}/${rubric.length}"`);
    expect(after.body.match(/name="covered" value="\d+" checked/g)).toHaveLength(rubric.length);

    const page = await get(`/problems/${written.slug}`);
    expect(page.body).toContain(`self-assessed ${rubric.length}/${rubric.length}`);
    expect(page.body).not.toContain('badge-solved');
    const progress = await get('/progress');
    expect(progress.body).toMatch(/data-stat="solved">0 /);
    expect(progress.body).toContain('data-stat="self-assessed">1<');
    expect(progress.body).toContain('not judged');

    // Ticking fewer points later replaces the earlier self-assessment.
    await selfAssess(id, [0]);
    expect((await get(`/problems/${written.slug}/attempts/${id}`)).body).toContain(`data-self-assessed="1/${rubric.length}"`);
    expect((await get('/progress')).body).not.toContain('data-stat="self-assessed"');
  });

  it('is refused on a judged attempt and on someone else’s attempt', async () => {
    const numeric = bank.problems.find((p) => p.kind === 'numeric')!;
    const f = form({ answer: '12345' });
    const sub = await app.inject({ method: 'POST', url: `/problems/${numeric.slug}/submit`, payload: f.payload, headers: { ...f.headers, ...user.headers } });
    const judged = /attempts\/([0-9a-f-]{36})$/.exec(sub.headers.location as string)![1]!;
    const refused = await app.inject({
      method: 'POST',
      url: `/problems/${numeric.slug}/attempts/${judged}/self-assess`,
      payload: `covered=0&_csrf=${encodeURIComponent(user.csrf)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: user.cookie },
    });
    expect(refused.statusCode).toBe(409);

    const { id } = await submitAndGrade('Mine.');
    const other = await signIn(app, db);
    expect((await selfAssess(id, [0], other)).statusCode).toBe(404);
    const { rows } = await db.pool.query('SELECT self_assessment FROM attempts WHERE id = $1', [id]);
    expect(rows[0].self_assessment).toBeNull();
  });
});
