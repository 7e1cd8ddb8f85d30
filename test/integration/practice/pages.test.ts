/**
 * The problem list and problem pages, as a signed-in user sees them with and without htmx.
 */
import { describe, expect, it } from 'vitest';
import { bank, firstOfKind, usePracticeApp } from './helpers.js';

const t = usePracticeApp();
const { get } = t;
const slugsIn = (html: string) => [...html.matchAll(/<tr data-slug="([^"]+)"/g)].map((m) => m[1]);

describe('/problems', () => {
  it('sends a signed-out visitor to sign in', async () => {
    const res = await t.app.inject('/problems');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fproblems');
  });

  it('lists every problem in the bank with solved counts', async () => {
    const res = await get('/problems');
    expect(res.statusCode).toBe(200);
    expect(slugsIn(res.body).sort()).toEqual(bank.problems.map((p) => p.slug).sort());
    expect(res.body).toMatch(new RegExp(`Solved <strong>0</strong> of ${bank.problems.length}`));
  });

  it('filters by topic, difficulty and title search as a plain GET form', async () => {
    const byTopic = slugsIn((await get('/problems?topic=probability')).body);
    expect(byTopic.sort()).toEqual(bank.problems.filter((p) => p.topic === 'probability').map((p) => p.slug).sort());
    const hard = slugsIn((await get('/problems?difficulty=hard&topic=')).body);
    expect(hard.sort()).toEqual(bank.problems.filter((p) => p.difficulty === 'hard').map((p) => p.slug).sort());
    const search = slugsIn((await get('/problems?q=SOFTMAX')).body);
    expect(search.length).toBeGreaterThan(0);
    for (const slug of search) expect(bank.bySlug.get(slug)!.title.toLowerCase()).toContain('softmax');
  });

  it('answers htmx with the list fragment only, and varies on HX-Request', async () => {
    const res = await get('/problems?topic=debugging', { 'hx-request': 'true', 'hx-target': 'problem-list' });
    expect(res.body).not.toContain('<html');
    expect(res.body).toContain('<table class="problem-table stack">');
    expect(res.headers.vary).toMatch(/HX-Request/i);
    const restore = await get('/problems?topic=debugging', { 'hx-request': 'true', 'hx-history-restore-request': 'true', 'hx-target': 'problem-list' });
    expect(restore.body).toContain('<html');
  });

  it('shows a clear empty state with a way out', async () => {
    const res = await get('/problems?q=no-such-problem-title-xyz');
    expect(slugsIn(res.body)).toEqual([]);
    expect(res.body).toContain('No problems match these filters.');
    expect(res.body).toContain('<a href="/problems">Clear the filters</a>');
  });

  it('ignores unknown filter values instead of failing', async () => {
    const res = await get('/problems?topic=astrology&status=whatever');
    expect(res.statusCode).toBe(200);
    expect(slugsIn(res.body)).toHaveLength(bank.problems.length);
  });
});

describe('/problems/:slug', () => {
  it('renders a code problem: statement as HTML, editor with the starter, visible tests for the runner', async () => {
    const p = firstOfKind('code');
    const res = await get(`/problems/${p.slug}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<h1>${p.title.replace(/&/g, '&amp;')}</h1>`);
    expect(res.body).toMatch(/<pre tabindex="0"><code class="language-python">/);
    expect(res.body).toMatch(/<textarea id="code" name="code"[^>]*data-editor="python"[^>]*data-draft-url="\/problems\/[^"]+\/draft"/);
    const starterLine = p.starter!.split('\n').find((l) => l.startsWith('def '))!;
    expect(res.body).toContain(starterLine.replace(/'/g, '&#39;').replace(/"/g, '&quot;').replace(/>/g, '&gt;'));
    const json = /<script type="application\/json" id="visible-tests">([\s\S]*?)<\/script>/.exec(res.body)?.[1];
    expect(JSON.parse(json!)).toEqual(p.cases!.filter((c) => c.visible));
    // Run needs JavaScript, so the button starts hidden; the page is isolated so the runner can interrupt loops.
    expect(res.body).toContain('data-action="run" hidden');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const again = await get(`/problems/${p.slug}`);
    expect(again.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(res.body).toContain('Show hint 1 of 3');
    expect(res.body).toContain('Ask the AI for a hint');
    expect(res.body).not.toContain(p.solution!.split('\n').find((l) => l.includes('return'))!.trim().replace(/"/g, '&quot;'));
    expect(res.body).toContain('No attempts yet.');
  });

  it('renders a numeric problem with an answer field and a written one with a Markdown area', async () => {
    const numeric = await get(`/problems/${firstOfKind('numeric').slug}`);
    expect(numeric.body).toMatch(/<input type="text" id="answer" name="answer" inputmode="decimal"/);
    expect(numeric.body).not.toContain('data-action="run"');
    const written = await get(`/problems/${firstOfKind('written').slug}`);
    expect(written.body).toMatch(/<textarea id="answer" name="answer"[^>]*data-editor="markdown"/);
  });

  it('answers 404 for a problem that is not in the bank', async () => {
    const res = await get('/problems/no-such-problem');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('No problem with that name');
  });
});

describe('/progress', () => {
  it('shows an empty state and suggests the weakest topic by its display name', async () => {
    const res = await get('/progress');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No attempts yet.');
    const first = bank.problems[0]!;
    expect(res.body).toContain(`href="/problems/${first.slug}"`);
    expect(res.body).toMatch(/ML coding is your weakest topic \(0 of \d+ solved\)/);
    expect(res.body).not.toContain('ml-coding is your weakest');
  });
});
