/**
 * The practice flow in real Chromium, against the real app and a real worker process: sign in, open a problem,
 * type a solution, Run shows the visible tests passing (Pyodide in the browser), Submit shows progress and then
 * the graded verdict and the review in place (htmx polling the attempt), and the problem then counts as solved on
 * /problems and /progress. The pages are served under a strict script policy, so no inline script sneaks in.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { docScreenshot } from '../helpers/screenshots.js';
import { killAll, spawnWorker, type WorkerProcess } from '../integration/runs/helpers.js';
import { bank, practiceApp } from '../integration/practice/helpers.js';
import { STRICT_CSP } from './client-page.js';

const SLOW = 300_000; // bounds only a hang: a real worker grading on a loaded 2-core machine can take minutes
// The client's strict policy, with inline styles allowed as the site's own policy does (htmx and CodeMirror insert
// <style> elements; style injection cannot run code). Scripts stay 'self' only.
const CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
const problem = bank.bySlug.get('stable-softmax')!;
const visibleCount = problem.cases!.filter((c) => c.visible).length;
const totalCount = problem.cases!.length;

const db = useTestDatabase();
let app: FastifyInstance;
let base: string;
let browser: Browser;
const workers: WorkerProcess[] = [];
const errors: string[] = [];

beforeAll(async () => {
  app = await practiceApp(db, {
    setup: (a) => {
      a.addHook('onSend', async (_request, reply) => {
        reply.header('content-security-policy', CSP);
      });
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // The worker that grades submissions: the built worker process, against this test's database.
  const worker = spawnWorker(db.url, { LOG_LEVEL: 'warn', GRADER_POOL_SIZE: '1' });
  workers.push(worker);
  await worker.ready(db.pool);
}, SLOW);

afterAll(async () => {
  await browser?.close();
  await killAll(workers);
  await app?.close();
});

/** Pastes text into CodeMirror as a user would (keystroke typing of whole programs fights auto-indent). */
async function paste(page: Page, text: string): Promise<void> {
  await page.locator('.cm-content').evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

describe('practising a problem in the browser', () => {
  let page: Page;

  it('signs in and opens the problem with the editor', async () => {
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
    });
    await page.goto(`${base}/login?next=${encodeURIComponent(`/problems/${problem.slug}`)}`);
    await page.getByRole('button', { name: 'Sign in locally' }).click();
    await page.waitForURL(`${base}/problems/${problem.slug}`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe(problem.title);
    await page.locator('.cm-content').waitFor();
  });

  it('typing a solution and pressing Run shows every visible test passing', { timeout: 2 * SLOW }, async () => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await paste(page, problem.solution!);
    // And some real typing at the end, through the keyboard.
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('\n# checked by hand\n');
    await expect.poll(() => page.$eval('textarea[name="code"]', (t) => (t as HTMLTextAreaElement).value)).toContain('# checked by hand');

    await page.getByRole('button', { name: 'Run visible tests' }).click();
    await page.locator('[data-run-status][data-run="done"]').waitFor({ timeout: SLOW });
    const statuses = await page.$$eval('[data-run-results] li.test-result', (lis) => lis.map((li) => li.getAttribute('data-status')));
    expect(statuses).toEqual(Array(visibleCount).fill('pass'));
    expect(await page.locator('[data-run-status]').textContent()).toContain(`All ${visibleCount} visible tests passed.`);
  });

  it('Submit shows the graded verdict and the review in place', { timeout: 2 * SLOW }, async () => {
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    // The verdict slot first shows the attempt being graded, then swaps itself for the final result.
    await page.locator('#verdict .attempt').waitFor({ timeout: SLOW });
    const final = page.locator('#verdict .attempt[data-final="true"]');
    await final.waitFor({ timeout: SLOW });
    expect(await final.getAttribute('data-attempt-status')).toBe('passed');
    await expect.poll(() => final.locator('.verdict').textContent()).toContain(`${totalCount} of ${totalCount} tests passed`);
    const review = final.locator('section.review');
    expect(await review.locator('h3').first().textContent()).toContain('Review');
    expect(await review.textContent()).toContain('Correctness');
    // The pass unlocked the reference solution on the same page, without a reload.
    expect(await page.locator('#solution').textContent()).toContain('Reference solution');
    expect(page.url()).toBe(`${base}/problems/${problem.slug}`);
    await docScreenshot(page, 'practice', { maxHeight: 1400 });
  });

  it('the problem counts as solved on /problems and /progress', async () => {
    await page.goto(`${base}/problems`);
    const row = page.locator(`tr[data-slug="${problem.slug}"]`);
    expect(await row.locator('.badge-solved').textContent()).toBe('Solved');
    expect(await page.locator('main').textContent()).toMatch(/Solved 1 of \d+/);

    await page.goto(`${base}/progress`);
    expect((await page.locator('[data-stat="solved"]').textContent())?.trim()).toMatch(/^1\s*\/\s*\d+$/);
    expect((await page.locator('[data-stat="no-hints"]').textContent())?.trim()).toBe('1');
    expect((await page.locator('[data-stat="streak"]').textContent())?.trim()).toBe('1');
    expect(await page.locator(`tr[data-topic="${problem.topic}"] td`).first().textContent()).toMatch(/^1 \/ \d+$/);
  });

  it('raised no script errors under the strict policy', () => {
    expect(errors).toEqual([]);
  });
});
