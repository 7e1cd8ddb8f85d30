/**
 * The problem page as a user finds it, in real Chromium against the real app and a real worker process, with
 * JavaScript on and off: an offline-scored written answer is an estimate (never solved) that the user can
 * self-assess; a verdict updates every part of the page without a reload; keyboard focus stays on the content the
 * action produced; giving up takes a confirming second step; and a refused answer without JavaScript redirects, so
 * a reload never re-posts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { bank, firstOfKind } from '../integration/practice/helpers.js';
import { startPracticeBrowser, type PracticeBrowser } from './practice-browser.js';

const SLOW = 120_000;
const written = firstOfKind('written');
const numeric = firstOfKind('numeric');
const keywordList = written.rubric!.flatMap((r) => r.keywords).join(', ');

const db = useTestDatabase();
let harness: PracticeBrowser;
let base: string;
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => {
  harness = await startPracticeBrowser(db);
  ({ base, browser } = harness);
}, SLOW);
afterAll(() => harness?.close());

/** The local operator in a fresh context (JavaScript on or off), with script errors collected. */
async function signedIn(javaScriptEnabled: boolean, next: string): Promise<{ context: BrowserContext; page: Page }> {
  const signed = await harness.signedIn(next, { javaScriptEnabled });
  signed.page.on('pageerror', (e) => errors.push(e.message));
  signed.page.on('console', (m) => {
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  return signed;
}

/** What has keyboard focus: its tag, id and the start of its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement!;
    return { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent ?? '').trim().slice(0, 40) };
  });

describe('a written answer without an AI model', () => {
  it('with JavaScript: a keyword list is labelled an estimate and is not solved; the history updates in place', { timeout: SLOW }, async () => {
    const { context, page } = await signedIn(true, `/problems/${written.slug}`);
    await page.locator('textarea#answer').fill(keywordList, { force: true });
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    const final = page.locator('#verdict .attempt[data-final="true"]');
    await final.waitFor({ timeout: SLOW });
    expect(await final.getAttribute('data-attempt-status')).toBe('estimated');
    expect(await final.locator('.verdict').textContent()).toContain('Estimate, not a verdict');
    expect(await final.textContent()).toContain('does not mark the problem solved');
    expect(await page.locator('#solved-badge').textContent()).toBe('');
    expect(await page.locator('#attempt-history').textContent()).toContain('estimate');
    expect(await page.locator('#solution').textContent()).toContain('appear here once you pass');
    await context.close();
  });

  it('without JavaScript: the user self-assesses on the attempt page, and /progress shows it apart from solved', { timeout: SLOW }, async () => {
    const { context, page } = await signedIn(false, `/problems/${written.slug}`);
    await page.locator('textarea#answer').fill('My own short answer, argued in my own words.');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(/\/attempts\/[0-9a-f-]{36}$/);
    // The page refreshes itself every 3 s while grading, until the estimate is in.
    await page.locator('.attempt[data-final="true"]').waitFor({ timeout: SLOW });
    const boxes = page.getByRole('checkbox');
    expect(await boxes.count()).toBe(written.rubric!.length);
    for (let i = 0; i < written.rubric!.length; i++) await boxes.nth(i).check();
    await page.getByRole('button', { name: 'Record my self-assessment' }).click();
    await page.waitForURL(/assessed=1#self-assessment$/);
    expect(await page.locator('[data-self-assessed]').textContent()).toContain(`You ticked ${written.rubric!.length} of ${written.rubric!.length}`);

    await page.goto(`${base}/progress`);
    expect((await page.locator('[data-stat="solved"]').textContent())?.trim()).toMatch(/^0\s*\//);
    expect((await page.locator('[data-stat="self-assessed"]').textContent())?.trim()).toBe('1');
    await context.close();
  });
});

describe('a verdict on the problem page, by keyboard', () => {
  let context: BrowserContext;
  let page: Page;

  it('Submit keeps focus on the control; a pass updates history, badge, give-up and solution without a reload', { timeout: SLOW }, async () => {
    ({ context, page } = await signedIn(true, `/problems/${numeric.slug}`));
    expect(await page.locator('#attempt-history').textContent()).toContain('No attempts yet');
    await page.locator('input#answer').fill(String(numeric.answer));
    await page.locator('#submit-button').focus();
    await page.keyboard.press('Enter');
    await page.locator('#verdict .attempt[data-attempt-status="passed"]').waitFor();
    await expect.poll(() => page.locator('#solved-badge').textContent()).toBe('Solved');
    expect(await page.locator('#attempt-history').textContent()).toContain('passed');
    expect(await page.locator('#attempt-history').textContent()).not.toContain('No attempts yet');
    expect(await page.locator('#give-up').textContent()).not.toContain('Give up');
    expect(await page.locator('#solution').textContent()).toContain('Write-up');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'submit-button' });
  });

  it('a revealed hint takes focus, and Tab continues from it', async () => {
    await page.getByRole('button', { name: 'Show hint 1 of 3' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('.hint').first().waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'div', text: expect.stringContaining('Hint 1 of 3') });
    await page.keyboard.press('Tab');
    expect(await focused(page)).toMatchObject({ tag: 'button', text: 'Show hint 2 of 3' });
  });

  it('saving notes keeps focus on Save notes', async () => {
    await page.locator('#notes-text').fill('remember the tolerance');
    await page.getByRole('button', { name: 'Save notes' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#notes [role="status"]').waitFor();
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'button', text: 'Save notes' });
    await context.close();
  });
});

describe('giving up takes a second step', () => {
  for (const js of [true, false]) {
    it(`${js ? 'with' : 'without'} JavaScript: the first control only opens the confirmation`, { timeout: SLOW }, async () => {
      const problem = bank.problems.filter((p) => p.kind === 'numeric')[js ? 1 : 2]!;
      const { context, page } = await signedIn(js, `/problems/${problem.slug}`);
      const confirm = page.getByRole('button', { name: 'Yes, give up and show the solution' });
      expect(await confirm.isVisible()).toBe(false);
      await page.locator('#give-up summary').click();
      expect(await page.locator('#solution').textContent()).not.toContain('Write-up');
      await confirm.click();
      await page.waitForURL(`${base}/problems/${problem.slug}#solution`);
      expect(await page.locator('#solution').textContent()).toContain('Write-up');
      expect(await page.locator('#attempt-history').textContent()).toContain('gave up');
      await context.close();
    });
  }
});

describe('a refused answer without JavaScript', () => {
  it('redirects back with the text and the message, so a reload does not post again', { timeout: SLOW }, async () => {
    const { context, page } = await signedIn(false, `/problems/${numeric.slug}`);
    await page.locator('input#answer').fill('about four-ish');
    await page.getByRole('button', { name: 'Submit', exact: true }).click();
    await page.waitForURL(`${base}/problems/${numeric.slug}?refused=not-a-number#answer`);
    expect(await page.locator('#answer-error').textContent()).toContain('Enter a number');
    expect(await page.locator('input#answer').inputValue()).toBe('about four-ish');
    await page.reload();
    expect(await page.locator('#answer-error').textContent()).toContain('Enter a number');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM attempts WHERE slug = $1`, [numeric.slug]);
    expect(rows[0].n).toBe(1); // only the keyboard test's pass above; the refusal and the reload recorded nothing
    await context.close();
  });
});

describe('request access at its limit', () => {
  it('keeps what was typed and says when to try again; typos before that did not count', { timeout: SLOW }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const fill = async (email: string) => {
      await page.goto(`${base}/request-access`);
      await page.getByLabel('Your name').fill('Robin Example');
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Why would you like access?').fill('Preparing for interviews, in my own words.');
      await page.getByRole('button', { name: 'Send request' }).click();
    };
    // Three typos first: refused, and not counted toward the limit of accepted requests.
    for (let i = 0; i < 3; i++) {
      await fill('not-an-email');
      await page.locator('.field-error').first().waitFor();
    }
    for (let i = 0; i < 10; i++) {
      await fill(`robin${i}@example.com`);
      await page.locator('h1').filter({ hasNotText: 'Request access' }).waitFor();
    }
    await fill('robin.last@example.com');
    expect(await page.locator('[role="alert"]').textContent()).toMatch(/Try again in \d+ minutes?; what you typed is kept below/);
    expect(await page.getByLabel('E-mail').inputValue()).toBe('robin.last@example.com');
    expect(await page.getByLabel('Why would you like access?').inputValue()).toBe('Preparing for interviews, in my own words.');
    await context.close();
  });
});

describe('the whole run', () => {
  it('raised no script errors', () => {
    expect(errors).toEqual([]);
  });
});
