/**
 * Feedback end to end over HTTP: the footer link, the form (input kept, errors beside fields), the stored row, the
 * operator's /admin/feedback, and promotion to an issue on a fake GitHub API on 127.0.0.1 -- including GitHub
 * answering 500 and 401, after which the row is intact, the error is shown, and a retry files it.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../helpers/app.js';
import { signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeGitHub, type FakeGitHub } from '../../fakes/github.js';

const db = useTestDatabase();
let github: FakeGitHub;
let app: FastifyInstance;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  github = await startFakeGitHub();
  app = await buildTestApp(db, {
    env: {
      GITHUB_FEEDBACK_TOKEN: github.token,
      GITHUB_FEEDBACK_REPO: 'bench-owner/bench-feedback',
      GITHUB_API_URL: github.url,
      PUBLIC_URL: 'https://bench.example.com',
    },
  });
});
afterAll(async () => {
  await app?.close();
  await github?.close();
});
beforeEach(() => {
  github.mode = 'ok';
  github.token = 'github_pat_fake_feedback';
});

async function rows() {
  return (await db.pool.query('SELECT id::text, kind, message, page, github_issue_url, last_error FROM feedback ORDER BY id')).rows;
}

async function submit(user: Awaited<ReturnType<typeof signIn>>, fields: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/feedback', headers: { ...user.headers, ...FORM }, payload: form(fields) });
}

describe('the feedback form', () => {
  it('is linked from the footer of every page for a signed-in user, with the page it came from', async () => {
    const user = await signIn(app, db);
    const page = await app.inject({ url: '/problems?tag=x', headers: user.headers });
    expect(page.body).toContain('href="/feedback?from=%2Fproblems"');
    // Signed-out visitors get the link too (signed-out.test.ts covers their side).
    const anonymous = await app.inject({ url: '/login' });
    expect(anonymous.body).toContain('href="/feedback?from=%2Flogin"');
    const formPage = await app.inject({ url: '/feedback?from=%2Fproblems', headers: user.headers });
    expect(formPage.statusCode).toBe(200);
    expect(formPage.body).toContain('name="page" value="/problems"');
  });

  it('keeps the input and puts each error beside its field; nothing is stored', async () => {
    const user = await signIn(app, db);
    const before = (await rows()).length;
    const res = await submit(user, { _csrf: user.csrf, kind: '', message: '<b>', page: '/progress' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="f-kind-error">Choose what kind of feedback this is\./);
    expect(res.body).toMatch(/id="f-message-error">Say a little more/);
    expect(res.body).toContain('>&lt;b&gt;</textarea>');
    expect(res.body).toContain('name="page" value="/progress"');
    expect(await rows()).toHaveLength(before);
  });

  it('stores the row with kind, message and page; an off-site "page" is reduced to "/"', async () => {
    const user = await signIn(app, db);
    const ok = await submit(user, { _csrf: user.csrf, kind: 'bug', message: 'The hint button\r\ndoes nothing.', page: '/problems/two-sum' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('href="/problems/two-sum"');
    const offsite = await submit(user, { _csrf: user.csrf, kind: 'idea', message: 'Dark mode please.', page: '//evil.example/x' });
    expect(offsite.statusCode).toBe(200);
    const saved = (await rows()).slice(-2);
    expect(saved).toMatchObject([
      { kind: 'bug', message: 'The hint button\ndoes nothing.', page: '/problems/two-sum', github_issue_url: null },
      { kind: 'idea', page: '/' },
    ]);
  });

  it('refuses a post without the CSRF token', async () => {
    const before = (await rows()).length;
    const post = await app.inject({ method: 'POST', url: '/feedback', headers: FORM, payload: form({ kind: 'bug', message: 'hello there' }) });
    expect(post.statusCode).toBe(403);
    expect(await rows()).toHaveLength(before);
  });
});

describe('/admin/feedback and promotion to GitHub', () => {
  async function newFeedback(message: string): Promise<string> {
    const user = await signIn(app, db, { name: 'Feedback Author' });
    await submit(user, { _csrf: user.csrf, kind: 'bug', message, page: '/runs' });
    return (await rows()).at(-1)!.id;
  }

  it('is 404 for a member and lists feedback for the operator', async () => {
    const id = await newFeedback('Listed for the operator.');
    const member = await signIn(app, db);
    expect((await app.inject({ url: '/admin/feedback', headers: member.headers })).statusCode).toBe(404);
    const promote = await app.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: member.headers });
    expect(promote.statusCode).toBe(404);
    const admin = await signIn(app, db, { admin: true });
    const page = await app.inject({ url: '/admin/feedback', headers: admin.headers });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Listed for the operator.');
    expect(page.body).toContain('Feedback Author');
    expect(page.body).toContain(`action="/admin/feedback/${id}/promote"`);
  });

  it('files an issue with the right repo, title, labels and a link back, and records its URL', async () => {
    const id = await newFeedback('Timer overlaps the editor\nOn narrow screens.');
    const admin = await signIn(app, db, { admin: true });
    const filedBefore = github.issues.length;
    const res = await app.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: { ...admin.headers, 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(github.issues).toHaveLength(filedBefore + 1);
    const issue = github.issues.at(-1)!;
    expect(issue).toMatchObject({ owner: 'bench-owner', repo: 'bench-feedback' });
    expect(issue.body.title).toBe('[bug] Timer overlaps the editor');
    expect(issue.body.labels).toEqual(['feedback', 'bug']);
    expect(issue.body.body).toContain(`https://bench.example.com/admin/feedback#feedback-${id}`);
    expect(issue.body.body).toContain('https://bench.example.com/runs');
    expect(issue.headers['x-github-api-version']).toBe('2022-11-28');
    const url = `https://github.example/bench-owner/bench-feedback/issues/${issue.number}`;
    expect(res.body).toContain(url);
    expect((await rows()).find((r) => r.id === id)).toMatchObject({ github_issue_url: url, last_error: null });

    // Filed once: a second promotion is refused and GitHub is not called again.
    const again = await app.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: admin.headers });
    expect(again.statusCode).toBe(409);
    expect(github.issues).toHaveLength(filedBefore + 1);
  });

  it.each([
    [500, () => (github.mode = 500), /GitHub answered 500; try again later\. GitHub said: Server Error/],
    [401, () => (github.token = 'a-different-token'), /GitHub refused the token \(401\)\. Check GITHUB_FEEDBACK_TOKEN\. GitHub said: Bad credentials/],
  ])('survives GitHub answering %s: the row is kept, the operator sees why, and a retry files it', async (_status, breakGitHub, reason) => {
    const id = await newFeedback(`Kept through a GitHub failure ${_status}.`);
    const admin = await signIn(app, db, { admin: true });
    breakGitHub();
    const requestsBefore = github.requests;
    const failed = await app.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: admin.headers });
    expect(failed.statusCode).toBe(303);
    expect(failed.headers.location).toBe(`/admin/feedback#feedback-${id}`);
    expect(github.requests).toBe(requestsBefore + 1);
    const row = (await rows()).find((r) => r.id === id)!;
    expect(row).toMatchObject({ message: `Kept through a GitHub failure ${_status}.`, github_issue_url: null });
    expect(row.last_error).toMatch(reason);
    expect(row.last_error).not.toContain(github.token);

    const page = await app.inject({ url: '/admin/feedback', headers: admin.headers });
    expect(page.body).toMatch(reason);
    expect(page.body).toContain(`action="/admin/feedback/${id}/promote"`);

    github.mode = 'ok';
    github.token = 'github_pat_fake_feedback';
    const retried = await app.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: { ...admin.headers, 'hx-request': 'true' } });
    expect(retried.body).toContain('Issue created on GitHub.');
    expect((await rows()).find((r) => r.id === id)).toMatchObject({ last_error: null, github_issue_url: expect.stringMatching(/issues\/\d+$/) });
  });
});

describe('without GitHub configured', () => {
  it('lists feedback, offers no promotion, and refuses one with a reason', async () => {
    const off = await buildTestApp(db);
    try {
      const user = await signIn(off, db);
      await off.inject({ method: 'POST', url: '/feedback', headers: { ...user.headers, ...FORM }, payload: form({ _csrf: user.csrf, kind: 'question', message: 'Where are my notes?' }) });
      const id = (await rows()).at(-1)!.id;
      const admin = await signIn(off, db, { admin: true });
      const page = await off.inject({ url: '/admin/feedback', headers: admin.headers });
      expect(page.body).toContain('GitHub feedback is off');
      expect(page.body).not.toContain(`/admin/feedback/${id}/promote`);
      const refused = await off.inject({ method: 'POST', url: `/admin/feedback/${id}/promote`, headers: admin.headers });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('GITHUB_FEEDBACK_TOKEN');
    } finally {
      await off.close();
    }
  });
});
