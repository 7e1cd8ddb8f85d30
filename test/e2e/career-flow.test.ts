/**
 * The career tools in real Chromium, against the real app and a real worker process (offline LLM, as `npm start`
 * runs by default): paste a JD and watch its analysis replace the progress indicator in place, paste a CV, read
 * the fit's breakdown, make a plan, open a practice problem from it, then add a page to the reading library.
 * The worker is stopped before the library item is added, so its fetch never leaves the machine.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { CVS, JDS } from '../integration/career/fixtures/index.js';
import { bank } from '../integration/practice/helpers.js';
import { startPracticeBrowser, type PracticeBrowser } from './practice-browser.js';

const SLOW = 120_000;
const db = useTestDatabase();
let pb: PracticeBrowser;
let base: string;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  pb = await startPracticeBrowser(db);
  base = pb.base;
  ({ page } = await pb.signedIn('/jobs'));
  page.on('pageerror', (e) => errors.push(e.message));
}, SLOW);

afterAll(async () => {
  await pb?.close();
});

describe('from a job description to a practice problem', () => {
  let jobUrl = '';

  it('adds a JD; the analysis appears in place of the progress indicator', async () => {
    await page.getByLabel('Job description').fill(JDS.researchScientist);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.waitForURL(/\/jobs\/\d+$/);
    jobUrl = page.url();
    expect(await page.locator('main').textContent()).not.toContain('No worker is running');
    // No reload: htmx polls the fragment until the worker has stored the analysis.
    await page.locator('#job-result[data-status="ready"]').waitFor({ timeout: SLOW });
    await expect.poll(() => page.locator('[data-kind="must"]').textContent()).toContain('Transformers');
    expect(await page.locator('h1').textContent()).toContain('Research Scientist');
  }, SLOW);

  it('pastes a CV and sees each skill with its evidence', async () => {
    await page.goto(`${base}/profile`);
    await page.getByLabel('CV or summary').fill(CVS.careerChanger);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.waitForURL(`${base}/profile`);
    await page.locator('#profile-result[data-status="ready"]').waitFor({ timeout: SLOW });
    expect(await page.locator('tr[data-skill="sql"] td').textContent()).toContain('SQL queries against the warehouse');
  }, SLOW);

  it('reads the fit, makes a plan and opens a problem from it', async () => {
    await page.goto(`${jobUrl}/fit`);
    const score = Number(await page.locator('[data-score]').textContent());
    const points = await page.locator('td[data-points]').allTextContents();
    expect(points.reduce((s, t) => s + Number(t.split('/')[0]), 0)).toBe(score);
    await page.getByRole('button', { name: 'Make a plan' }).click();
    const first = page.locator('#plan ol.plan a').first();
    await first.waitFor();
    const slug = (await first.getAttribute('href'))!.replace('/problems/', '');
    expect(bank.bySlug.has(slug)).toBe(true);
    await page.goto(`${base}/progress`);
    expect(await page.locator('.next-up').first().textContent()).toContain(bank.bySlug.get(slug)!.title);
    await page.locator(`.next-up a[href="/problems/${slug}"]`).click();
    await page.waitForURL(`${base}/problems/${slug}`);
    await expect.poll(() => page.locator('h1').first().textContent()).toBe(bank.bySlug.get(slug)!.title);
  }, SLOW);

  it('adds a page to the reading library', async () => {
    await pb.stopWorker();
    await page.goto(`${base}/library/add`);
    await page.getByLabel('Address').fill('https://papers.example.com/attention');
    await page.getByRole('button', { name: 'Add' }).click();
    await page.waitForURL(/\/library/);
    expect(await page.locator('.request-list').textContent()).toContain('https://papers.example.com/attention');
    expect(errors).toEqual([]);
  }, SLOW);
});
