/**
 * What a user does on a problem page, through real HTTP: drafts that survive a reload, hints one level at a
 * time, notes, reports that reach the operator, giving up, and submitting (numeric answers checked at once;
 * code queued for the worker, with the page saying so when no worker is running).
 */
import { describe, expect, it } from 'vitest';
import { signIn } from '../../helpers/auth.js';
import { firstOfKind, form, usePracticeApp } from './helpers.js';

const t = usePracticeApp();
const { db, post } = t;

const code = firstOfKind('code');
const numeric = firstOfKind('numeric');
const written = firstOfKind('written');
const get = (url: string, who = t.user) => t.get(url, {}, who);
const htmx = { 'hx-request': 'true' };

describe('drafts', () => {
  it('a draft saved by autosave comes back after a reload', async () => {
    const text = 'def softmax(xs):\n    # my work in progress <keep>\n    return xs\n';
    const res = await t.app.inject({
      method: 'POST',
      url: `/problems/${code.slug}/draft`,
      payload: { code: text },
      headers: { ...t.user.headers, accept: 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().ok).toBe(true);
    const page = await get(`/problems/${code.slug}`);
    expect(page.body).toContain('# my work in progress &lt;keep&gt;');
    expect(page.body).not.toContain('raise NotImplementedError');
    expect(page.body).toMatch(/Draft saved <time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
  });

  it('the no-JS "Save draft" button saves and comes back to the page', async () => {
    const res = await post(`/problems/${written.slug}/draft`, { answer: 'First, an offline store for training.' }, { accept: 'text/html' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/problems/${written.slug}?saved=1`);
    expect((await get(`/problems/${written.slug}`)).body).toContain('First, an offline store for training.');
  });

  it('drafts are private to their user', async () => {
    const other = await signIn(t.app, db);
    expect((await get(`/problems/${code.slug}`, other)).body).not.toContain('my work in progress');
  });

  it('refuses a draft without text and one over the limit, with a reason', async () => {
    const empty = await t.app.inject({ method: 'POST', url: `/problems/${code.slug}/draft`, payload: {}, headers: t.user.headers });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/code/);
    const big = await t.app.inject({ method: 'POST', url: `/problems/${code.slug}/draft`, payload: { code: 'x'.repeat(100_001) }, headers: t.user.headers });
    expect(big.statusCode).toBe(413);
  });

  it('needs the CSRF token', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/problems/${code.slug}/draft`, payload: { code: 'x' }, headers: { cookie: t.user.cookie } });
    expect(res.statusCode).toBe(403);
  });
});

describe('hints', () => {
  it('reveals canned hints one level at a time, up to three', async () => {
    const first = await post(`/problems/${code.slug}/hints`, {}, htmx);
    expect(first.body).toContain('Hint 1 of 3');
    expect(first.body).toContain('Show hint 2 of 3');
    expect(first.body).not.toContain('Hint 2 of 3</p>');
    await post(`/problems/${code.slug}/hints`, {}, htmx);
    const third = await post(`/problems/${code.slug}/hints`, {}, htmx);
    expect(third.body).toContain('Hint 3 of 3');
    expect(third.body).toContain('All 3 hints shown.');
    const again = await post(`/problems/${code.slug}/hints`, {}, htmx);
    expect(again.body.match(/class="hint card"/g)).toHaveLength(3);
  });

  it('without JavaScript the hint button keeps the typed code and returns to the hints', async () => {
    const res = await post(`/problems/${numeric.slug}/hints`, { answer: '4.4' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/problems/${numeric.slug}#hints`);
    const page = await get(`/problems/${numeric.slug}`);
    expect(page.body).toContain('value="4.4"');
    expect(page.body).toContain('Hint 1 of 3');
  });

  it('"Ask the AI" answers offline from the code and the next canned hint, and is recorded', async () => {
    const res = await post(`/problems/${numeric.slug}/hints/ai`, { answer: '4.4' }, htmx);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Hint from the offline helper');
    expect(res.body).toContain(numeric.hints[1]!.slice(0, 30).replace(/'/g, '&#39;'));
  });
});

describe('submitting', () => {
  it('checks a numeric answer against its tolerance at once and records the attempt', async () => {
    const wrong = await post(`/problems/${numeric.slug}/submit`, { answer: String(numeric.answer! + numeric.tolerance! * 5) }, htmx);
    expect(wrong.statusCode).toBe(200);
    expect(wrong.body).toContain('Not quite');
    expect(wrong.body).not.toContain('the answer is');
    const right = await post(`/problems/${numeric.slug}/submit`, { answer: String(numeric.answer! + numeric.tolerance! / 2) }, htmx);
    expect(right.body).toContain('Correct');
    expect(right.body).toContain('hx-swap-oob="true"');
    const { rows } = await db.pool.query(`SELECT status, hints_used, ai_hints_used FROM attempts WHERE user_id = $1 AND slug = $2 ORDER BY created_at`, [t.user.user.id, numeric.slug]);
    expect(rows).toEqual([
      { status: 'failed', hints_used: 1, ai_hints_used: 1 },
      { status: 'passed', hints_used: 1, ai_hints_used: 1 },
    ]);
    const page = await get(`/problems/${numeric.slug}`);
    expect(page.body).toContain('Write-up');
    expect(page.body).toContain('Show hint 1 of 3');
  });

  it('refuses a non-number: redirected back (a reload never re-posts), the text kept and the message beside the field', async () => {
    const res = await post(`/problems/${numeric.slug}/submit`, { answer: 'about four-ish' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/problems/${numeric.slug}?refused=not-a-number#answer`);
    const page = await get(res.headers.location as string);
    expect(page.body).toContain('value="about four-ish"');
    expect(page.body).toMatch(/<p id="answer-error" class="field-error" role="alert">Enter a number/);
    // The message comes from our own list: an unknown code in the URL shows nothing.
    expect((await get(`/problems/${numeric.slug}?refused=%3Cb%3Ehi`)).body).toMatch(/<p id="answer-error" class="field-error" role="alert"><\/p>/);
    const viaHtmx = await post(`/problems/${numeric.slug}/submit`, { answer: 'nope' }, htmx);
    expect(viaHtmx.statusCode).toBe(422);
    expect(viaHtmx.headers['hx-retarget']).toBe('#answer-error');
  });

  it('queues code for the worker and says so when no worker is running', async () => {
    const res = await post(`/problems/${code.slug}/submit`, { code: code.solution! }, htmx);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No grading worker is running right now');
    expect(res.body).toMatch(/hx-trigger="every 1s"/);
    const { rows } = await db.pool.query(
      `SELECT a.status, r.kind, r.status AS run_status, r.payload FROM attempts a JOIN runs r ON r.id = a.run_id WHERE a.user_id = $1 AND a.slug = $2`,
      [t.user.user.id, code.slug],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'pending', kind: 'grade-attempt', run_status: 'queued' });
    // The submitted code is the draft now, and the pending attempt is shown when the user comes back.
    const page = await get(`/problems/${code.slug}`);
    expect(page.body).toContain('No grading worker is running right now');
    expect(page.body).toContain('>pending</span>');
  });

  it('an attempt whose grading run ended without a verdict is marked "not graded" and does not haunt the page', async () => {
    const { rows } = await db.pool.query(`SELECT run_id::text AS "runId" FROM attempts WHERE user_id = $1 AND slug = $2`, [t.user.user.id, code.slug]);
    expect((await post(`/runs/${rows[0].runId}/cancel`, {})).statusCode).toBeLessThan(400);
    const page = await get(`/problems/${code.slug}`);
    expect(page.body).toContain('>not graded</span>');
    expect(page.body).toContain('This attempt could not be graded');
    // A later attempt (here: giving up) is what the page follows; the old notice does not come back.
    expect((await post(`/problems/${code.slug}/give-up`, { confirm: 'yes' })).statusCode).toBe(303);
    const after = await get(`/problems/${code.slug}`);
    expect(after.body).toContain('>gave up</span>');
    expect(after.body).not.toContain('This attempt could not be graded');
    expect(after.body).toContain('>not graded</span>');
  });

  it('without JavaScript a submission goes to the attempt page, which refreshes itself while grading', async () => {
    const res = await post(`/problems/${written.slug}/submit`, { answer: 'An offline store and an online store.' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(new RegExp(`^/problems/${written.slug}/attempts/[0-9a-f-]{36}$`));
    const page = await get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta http-equiv="refresh" content="3">');
    const stranger = await signIn(t.app, db);
    expect((await get(res.headers.location as string, stranger)).statusCode).toBe(404);
  });

  it('refuses an empty submission, keeping the page', async () => {
    const res = await post(`/problems/${code.slug}/submit`, { code: '   ' });
    expect(res.statusCode).toBe(303);
    expect((await get(res.headers.location as string)).body).toContain('Write something before submitting.');
  });
});

describe('giving up, notes and reports', () => {
  it('giving up takes a confirming second step, then records it and shows the reference solution and write-up', async () => {
    const p = firstOfKind('written');
    // The first step (no confirm=yes, e.g. a stale page) only opens the confirmation.
    const first = await post(`/problems/${p.slug}/give-up`, {});
    expect(first.headers.location).toBe(`/problems/${p.slug}?give-up=confirm#give-up`);
    const confirm = await get(first.headers.location as string);
    expect(confirm.body).toMatch(/<details open>\s*<summary>Give up and show the solution<\/summary>/);
    expect(confirm.body).not.toContain('What a strong answer covers');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM attempts WHERE user_id = $1 AND slug = $2 AND status = 'gave_up'`, [t.user.user.id, p.slug]);
    expect(rows[0].n).toBe(0);

    const res = await post(`/problems/${p.slug}/give-up`, { confirm: 'yes' });
    expect(res.statusCode).toBe(303);
    const page = await get(`/problems/${p.slug}`);
    expect(page.body).toContain('What a strong answer covers');
    expect(page.body).toContain('>gave up</span>');
  });

  it('keeps private notes', async () => {
    const res = await post(`/problems/${code.slug}/notes`, { notes: 'Remember: subtract the max.' }, htmx);
    expect(res.body).toContain('Saved.');
    expect((await get(`/problems/${code.slug}`)).body).toContain('Remember: subtract the max.');
  });

  it('a report with too little detail comes back 422 with the text kept; a good one reaches the admin list', async () => {
    const bad = await post(`/problems/${code.slug}/report`, { category: 'bad-test', body: 'broken' });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('broken</textarea>');
    expect(bad.body).toContain('at least 10 characters');
    const good = await post(`/problems/${code.slug}/report`, { category: 'bad-test', body: 'test_empty_input expects [] but the statement says None' });
    expect(good.statusCode).toBe(303);
    expect((await get(good.headers.location as string)).body).toContain('your report was sent to the operator');

    expect((await get('/admin/problem-reports')).statusCode).toBe(404);
    const admin = await signIn(t.app, db, { admin: true });
    const list = await get('/admin/problem-reports', admin);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('test_empty_input expects [] but the statement says None');
    const id = /\/admin\/problem-reports\/([0-9a-f-]{36})\/resolve/.exec(list.body)![1];
    const resolved = await post(`/admin/problem-reports/${id}/resolve`, {}, {}, admin);
    expect(resolved.statusCode).toBe(303);
    expect((await get('/admin/problem-reports', admin)).body).toContain('No open reports.');
  });

  it('reports reach the operator, so they are rate limited per IP like feedback', async () => {
    const f = form({ category: 'unclear-statement', body: 'The statement does not say what to return for an empty list.' });
    const report = () =>
      t.app.inject({ method: 'POST', url: `/problems/${code.slug}/report`, remoteAddress: '192.0.2.77', headers: { ...f.headers, ...t.user.headers }, payload: f.payload });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await report()).statusCode);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(303));
    expect(statuses[20]).toBe(429);
  });
});
