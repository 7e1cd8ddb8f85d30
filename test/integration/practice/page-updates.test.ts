/**
 * After a verdict, every part of the problem page it changes is updated, not only the verdict box: htmx gets
 * out-of-band copies of the attempt history, the Solved badge, the give-up step and the solution with the
 * verdict; a poll that changes nothing else sends nothing else, and the attempt page's own polling never does.
 */
import { describe, expect, it } from 'vitest';
import { firstOfKind, usePracticeApp } from './helpers.js';

const t = usePracticeApp();

const numeric = firstOfKind('numeric');
const code = firstOfKind('code');
const htmx = { 'hx-request': 'true' };
const post = (url: string, fields: Record<string, string>) => t.post(url, fields, htmx);
/** The out-of-band element with this id in a fragment, or undefined. */
const oob = (html: string, id: string) => new RegExp(`<[a-z]+ id="${id}"[^>]* hx-swap-oob="true"[^>]*>[\\s\\S]*?(?=<[a-z]+ id="[a-z-]+"[^>]* hx-swap-oob|$)`).exec(html)?.[0];

describe('a verdict updates the whole problem page', () => {
  it('a wrong answer adds the attempt to the history; give-up stays', async () => {
    const res = await post(`/problems/${numeric.slug}/submit`, { answer: String(numeric.answer! + 1000) });
    expect(res.statusCode).toBe(200);
    expect(oob(res.body, 'attempt-history')).toContain('>failed</span>');
    expect(oob(res.body, 'attempt-history')).not.toContain('No attempts yet');
    expect(oob(res.body, 'solved-badge')).not.toContain('Solved');
    expect(oob(res.body, 'give-up')).toContain('Give up and show the solution');
  });

  it('a pass shows the Solved badge, hides give-up and reveals the solution, all in the same response', async () => {
    const res = await post(`/problems/${numeric.slug}/submit`, { answer: String(numeric.answer) });
    expect(res.body).toContain('data-attempt-status="passed"');
    expect(oob(res.body, 'attempt-history')!.match(/badge badge-(pass|fail)">/g)).toHaveLength(2);
    expect(oob(res.body, 'solved-badge')).toContain('>Solved</span>');
    expect(oob(res.body, 'give-up')).not.toContain('Give up');
    expect(oob(res.body, 'solution')).toContain('Write-up');
    // And a reload agrees: no give-up after a pass, so no "gave up" row can land under it.
    const page = await t.app.inject({ url: `/problems/${numeric.slug}`, headers: { cookie: t.user.cookie } });
    expect(page.body).not.toContain('Give up and show the solution');
  });

  it('polling a pending attempt sends only the verdict slot; the attempt page never gets problem-page parts', async () => {
    const res = await post(`/problems/${code.slug}/submit`, { code: code.solution! });
    expect(oob(res.body, 'attempt-history')).toContain('>pending</span>');
    const id = /id="attempt-([0-9a-f-]{36})"/.exec(res.body)![1]!;
    expect(res.body).toContain(`/attempts/${id}/status?in=problem`);
    const poll = await t.app.inject({ url: `/problems/${code.slug}/attempts/${id}/status?in=problem`, headers: { cookie: t.user.cookie, ...htmx } });
    expect(poll.body).toContain('hx-trigger="every 1s"');
    expect(poll.body).not.toContain('hx-swap-oob');
    const attemptPage = await t.app.inject({ url: `/problems/${code.slug}/attempts/${id}`, headers: { cookie: t.user.cookie } });
    expect(attemptPage.body).toContain(`/attempts/${id}/status"`);
    const plain = await t.app.inject({ url: `/problems/${code.slug}/attempts/${id}/status`, headers: { cookie: t.user.cookie, ...htmx } });
    expect(plain.body).not.toContain('hx-swap-oob');
  });
});

describe('small things on the problem and attempt pages', () => {
  it('write-up headings sit below "Solution"; no empty header; no "A test is wrong" without tests; no internal hash', async () => {
    const page = await t.app.inject({ url: `/problems/${numeric.slug}`, headers: { cookie: t.user.cookie } });
    const writeup = /<div class="writeup">([\s\S]*?)<\/div>/.exec(page.body)![1]!;
    expect(writeup).toMatch(/<h[4-6]>/);
    expect(writeup).not.toMatch(/<h[1-3]>/);
    expect(page.body).not.toContain('<th scope="col"></th>');
    expect(page.body).not.toContain('A test is wrong');
    expect((await t.app.inject({ url: `/problems/${code.slug}`, headers: { cookie: t.user.cookie } })).body).toContain('A test is wrong');
    const history = oob((await post(`/problems/${numeric.slug}/submit`, { answer: '1e9' })).body, 'attempt-history')!;
    const id = /attempts\/([0-9a-f-]{36})/.exec(history)![1]!;
    const attempt = await t.app.inject({ url: `/problems/${numeric.slug}/attempts/${id}`, headers: { cookie: t.user.cookie } });
    expect(attempt.body).not.toContain(numeric.hash.slice(0, 12));
  });
});
