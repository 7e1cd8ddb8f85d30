/**
 * The editor in real Chromium, served by the real app under a strict CSP: typing and indentation, the keyboard
 * escape hatch, the hidden textarea kept in sync for a plain form POST (and the page without JavaScript), draft
 * autosave against real routes (CSRF checked by the real plugin), and the Markdown preview's safety.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { STRICT_CSP, addProblemPage } from './client-page.js';

const db = useTestDatabase();
let app: FastifyInstance;
let base: string;
let browser: Browser;
const submitted: Record<string, string>[] = [];
// A form POST sends a textarea's line breaks as CRLF (HTML spec); the server normalises, and so do these checks.
const lf = (s: string | undefined): string | undefined => s?.replace(/\r\n/g, '\n');
const drafts: { mode: string; code: unknown }[] = [];
let flakyFailures = 0;

beforeAll(async () => {
  app = await buildTestApp(db, {
    setup: (a) => {
      a.addHook('onSend', async (_request, reply) => {
        reply.header('content-security-policy', STRICT_CSP);
      });
      addProblemPage(a, '/t/editor', (q) => ({ code: 'x = 1\n', draftUrl: q.draft && `/t/draft/${q.draft}`, draftKey: q.key, draftUpdatedAt: q.updated }));
      addProblemPage(a, '/t/answer', () => ({ code: '', editor: 'markdown', name: 'answer' }));
      a.post('/t/submit', async (request) => {
        submitted.push(request.body as Record<string, string>);
        return { ok: true };
      });
      // Draft endpoints standing in for the real one (docs/client.md): CSRF is enforced by the app's own plugin.
      a.post<{ Params: { mode: string }; Body: { code?: unknown } }>('/t/draft/:mode', async (request, reply) => {
        const { mode } = request.params;
        if (mode === 'down' || (mode === 'flaky' && flakyFailures-- > 0)) return reply.code(503).send({ error: { code: 'unavailable', message: 'try later' } });
        if (mode === 'forbidden') return reply.code(403).send({ error: { code: 'forbidden', message: 'Sign in again' } });
        drafts.push({ mode, code: request.body.code });
        return { updatedAt: new Date().toISOString() };
      });
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

let context: BrowserContext;
let page: Page;
let errors: string[];
beforeEach(async () => {
  context = await browser.newContext();
  page = await context.newPage();
  errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // Draft routes answering 503/403 on purpose, and the automatic favicon request, log "Failed to load resource".
    if (m.type() === 'error' && !/\/t\/draft\/|favicon\.ico/.test(m.location().url)) errors.push(m.text());
  });
  submitted.length = 0;
  drafts.length = 0;
});
afterEach(async () => {
  expect(errors).toEqual([]);
  await context.close();
});

const value = (): Promise<string> => page.$eval('textarea[data-editor]', (t) => (t as HTMLTextAreaElement).value);
const draftStatus = async (): Promise<string> => (await page.locator('[data-draft-status]').textContent()) ?? '';

async function openEditor(query = ''): Promise<void> {
  await page.goto(`${base}/t/editor${query}`);
  await page.locator('.cm-content').waitFor();
}

async function clearAndType(text: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

describe('the code editor', () => {
  it('highlights Python, numbers lines, matches brackets and indents by 4 spaces', async () => {
    await openEditor();
    await clearAndType('def f(x):\n');
    await page.keyboard.type('return x');
    expect(await value()).toBe('def f(x):\n    return x');

    const colour = (text: string): Promise<string> =>
      page.locator('.cm-line span', { hasText: new RegExp(`^${text}$`) }).first().evaluate((el) => getComputedStyle(el).color);
    expect(await colour('def')).not.toBe(await page.locator('.cm-content').evaluate((el) => getComputedStyle(el).color));
    expect(await page.locator('.cm-lineNumbers .cm-gutterElement', { hasText: /^2$/ }).count()).toBe(1);

    await page.keyboard.press('ControlOrMeta+Home');
    for (let i = 0; i < 'def f('.length; i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.cm-matchingBracket').count()).toBe(2);
  });

  it('Tab indents the line; Esc then Tab moves focus out of the editor instead', async () => {
    await openEditor();
    await clearAndType('def f():\n');
    await page.keyboard.type('pass');
    await page.keyboard.press('Tab');
    expect(await value()).toBe('def f():\n        pass');
    await page.keyboard.press('Shift+Tab');
    expect(await value()).toBe('def f():\n    pass');

    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    // Run is hidden on this page (no visible tests), so the next stop is Submit.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit');
    expect(await value()).toBe('def f():\n    pass');
    expect(await page.locator('.cm-content').getAttribute('aria-label')).toBe('Your solution');
  });

  it('Esc then Tab leaves the editor even while the completion list is open', async () => {
    await openEditor();
    await clearAndType('def f():\n');
    await page.keyboard.type('pas');
    await page.locator('.cm-tooltip-autocomplete').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('.cm-tooltip-autocomplete').count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Submit');
    expect(await value()).toBe('def f():\n    pas');
  });

  it('keeps the textarea in sync, so a plain form submission sends the editor content', async () => {
    await openEditor();
    await clearAndType('def answer():\n');
    await page.keyboard.type('return 42');
    expect(await page.locator('textarea[name="code"]').isHidden()).toBe(true);
    await Promise.all([page.waitForURL(`${base}/t/submit`), page.getByRole('button', { name: 'Submit' }).click()]);
    expect(submitted).toHaveLength(1);
    expect(lf(submitted[0]!.code)).toBe('def answer():\n    return 42');
  });

  it('without JavaScript: the textarea is the editor, Run stays hidden, and submitting works', async () => {
    await context.close();
    context = await browser.newContext({ javaScriptEnabled: false });
    page = await context.newPage();
    await page.goto(`${base}/t/editor`);
    const textarea = page.locator('textarea[name="code"]');
    expect(await textarea.isVisible()).toBe(true);
    expect(await page.locator('[data-action="run"]').isHidden()).toBe(true);
    await textarea.fill('print("no js")\n');
    await Promise.all([page.waitForURL(`${base}/t/submit`), page.getByRole('button', { name: 'Submit' }).click()]);
    expect(lf(submitted[0]!.code)).toBe('print("no js")\n');
  });
});

describe('drafts', () => {
  async function recordDraftEvents(): Promise<void> {
    await page.evaluate(() => {
      const w = window as unknown as { draftEvents: { code: string; reason: string }[] };
      w.draftEvents = [];
      document.addEventListener('bench:draft', (e) => w.draftEvents.push((e as CustomEvent).detail));
    });
  }
  const draftEvents = (): Promise<{ code: string; reason: string }[]> => page.evaluate(() => (window as unknown as { draftEvents: { code: string; reason: string }[] }).draftEvents);
  const localDraft = (key: string): Promise<string | null> => page.evaluate((k) => localStorage.getItem(`bench:draft:${k}`), key);

  it('saves 800 ms after typing stops and on Run, sending the CSRF header; the local copy is dropped once saved', async () => {
    await openEditor('?draft=ok&key=k-ok');
    await recordDraftEvents();
    await clearAndType('y = 2');
    await expect.poll(draftStatus).toBe('Saved');
    expect(drafts.at(-1)).toEqual({ mode: 'ok', code: 'y = 2' });
    // "Saved" means the header was right: the app's CSRF check refuses the same request without it.
    const bare = await fetch(`${base}/t/draft/ok`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"x"}' });
    expect(bare.status).toBe(403);
    const events = await draftEvents();
    expect(events.at(-1)).toEqual({ code: 'y = 2', reason: 'change', key: 'k-ok' });
    expect(events.every((e) => e.reason === 'change')).toBe(true);
    expect(await localDraft('k-ok')).toBeNull();

    const saves = drafts.length;
    await page.locator('[data-action="run"]').evaluate((b) => (b as HTMLButtonElement).click());
    await expect.poll(() => drafts.length).toBe(saves + 1);
    expect((await draftEvents()).at(-1)?.reason).toBe('run');
  });

  it('shows "Not saved — retrying" while the server fails, then saves', async () => {
    flakyFailures = 2;
    await openEditor('?draft=flaky&key=k-flaky');
    await clearAndType('z = 3');
    await expect.poll(draftStatus).toBe('Not saved — retrying');
    await expect.poll(draftStatus, { timeout: 20_000 }).toBe('Saved');
    expect(drafts.at(-1)).toEqual({ mode: 'flaky', code: 'z = 3' });
  });

  it('says why when the server refuses for good, and keeps the draft in the browser', async () => {
    await openEditor('?draft=forbidden&key=k-forbidden');
    await clearAndType('w = 4');
    await expect.poll(draftStatus).toBe('Not saved — Sign in again. Your draft is kept in this browser.');
    expect(JSON.parse((await localDraft('k-forbidden'))!).code).toBe('w = 4');
  });

  it('keeps an unsaved draft in this browser and puts it back after a reload', async () => {
    await openEditor('?draft=down&key=k-down');
    await clearAndType('kept = True');
    await expect.poll(draftStatus).toBe('Not saved — retrying');
    await page.reload();
    await page.locator('.cm-content').waitFor();
    expect(await value()).toBe('kept = True');
    expect(await page.locator('.cm-content').textContent()).toBe('kept = True');
    expect(await draftStatus()).toContain('Restored unsaved changes from this browser.');
  });

  it('ignores a local copy older than the server draft', async () => {
    await openEditor('?key=k-old');
    await page.evaluate(() => localStorage.setItem('bench:draft:k-old', JSON.stringify({ code: 'stale = 1', savedAt: Date.now() - 3_600_000 })));
    await openEditor(`?key=k-old&updated=${encodeURIComponent(new Date().toISOString())}`);
    expect(await value()).toBe('x = 1\n');
    expect(await localDraft('k-old')).toBeNull();
  });
});

describe('written answers', () => {
  it('Preview renders Markdown with HTML escaped; the answer is still submitted from Preview', async () => {
    await page.goto(`${base}/t/answer`);
    const answer = '**bold** <img src=x onerror="window.pwned=1">\n\n[click](javascript:window.pwned=1)';
    await page.locator('textarea[name="answer"]').fill(answer);
    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.locator('.md-preview');
    await preview.locator('strong').waitFor();
    expect(await preview.locator('strong').textContent()).toBe('bold');
    expect(await preview.locator('img').count()).toBe(0);
    expect(await preview.textContent()).toContain('<img src=x');
    expect(await preview.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Preview' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('textarea[name="answer"]').isHidden()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.getByRole('button', { name: 'Write' }).click();
    expect(await page.locator('textarea[name="answer"]').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();

    await Promise.all([page.waitForURL(`${base}/t/submit`), page.getByRole('button', { name: 'Submit' }).click()]);
    expect(lf(submitted[0]!.answer)).toBe(answer);
  });
});
