/**
 * /admin/ops in Chromium, signed in as the operator, from a seeded database: every section is on screen and the
 * page loads under the CSP without a violation. Then /admin/usage, where the operator resets a user's day with the
 * button that replaced the Python Bench's hand-written UPDATE. With UPDATE_SCREENSHOTS=1 both refresh their
 * screenshots in docs/img/ (test/helpers/screenshots.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { browserCookies, signIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { ADA, seedOps } from '../helpers/ops-seed.js';
import { docScreenshot } from '../helpers/screenshots.js';

const db = useTestDatabase();
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  await seedOps(db.pool);
  app = await buildTestApp(db, { env: { GIT_SHA: 'abc1234' } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('/admin/ops in a browser', () => {
  it('shows every section to the operator, under the CSP', async () => {
    const admin = await signIn(app, db, { admin: true });
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    await context.addCookies(browserCookies(admin, base));
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${base}/admin/ops`);
    expect(res?.status()).toBe(200);
    for (const heading of ['At a glance', 'Queue', 'Workers and grader pools', 'Recent failed runs', 'LLM tokens and cost', 'Pending access requests']) {
      await expect(page.getByRole('heading', { name: heading, exact: true }).isVisible()).resolves.toBe(true);
    }
    await expect(page.locator('[data-signal="Workers"]').innerText()).resolves.toMatch(/ok\s+1 checking in/);
    await expect(page.locator('[data-grader]').innerText()).resolves.toContain('2 / 1 / 3');
    expect(violations).toEqual([]);
    await docScreenshot(page, 'ops');
    await context.close();
  });

  it("/admin/usage shows a user's day, and Reset today gives them a fresh budget in place", async () => {
    await db.pool.query(
      `INSERT INTO llm_daily_usage (user_id, day, used_tokens, cap_tokens, calls) VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 150000, 200000, 12)`,
      [ADA],
    );
    const admin = await signIn(app, db, { admin: true });
    const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    await context.addCookies(browserCookies(admin, base));
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    expect((await page.goto(`${base}/admin/usage`))?.status()).toBe(200);
    const row = page.locator(`#usage-${ADA}`);
    await expect(row.innerText()).resolves.toMatch(/ada@example\.com\s+150,000/);
    await expect(page.locator('table').last().innerText()).resolves.toContain('practice_hint');
    await docScreenshot(page, 'usage');
    await row.getByRole('button', { name: 'Reset today' }).click();
    // htmx swaps the row in place: the flash appears and the button is disabled with nothing left to reset.
    await row.getByRole('status').waitFor();
    await expect(row.getByRole('button', { name: 'Reset today' }).isDisabled()).resolves.toBe(true);
    expect(page.url()).toBe(`${base}/admin/usage`);
    await context.close();
  });
});
