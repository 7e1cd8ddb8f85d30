/**
 * /admin/ops in Chromium, signed in as the operator, from a seeded database: every section is on screen and the
 * page loads under the CSP without a violation. With UPDATE_SCREENSHOTS=1 it also refreshes the screenshot in
 * docs/img/ops.png that docs/operations.md shows.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { buildTestApp } from '../helpers/app.js';
import { browserCookies, signIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { seedOps } from '../helpers/ops-seed.js';

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
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(projectRoot, 'docs', 'img', 'ops.png'), fullPage: true });
    await context.close();
  });
});
