/**
 * In a real browser: a personal API token is created on the account page with the keyboard, shown once, works as a
 * bearer credential against the listening app, is gone from the page on reload, and stops working once revoked.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserCookies, signIn } from '../helpers/auth.js';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await buildTestApp(db);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

it('create, use, reload, revoke', async () => {
  const admin = await signIn(app, db, { admin: true });
  const context = await browser.newContext();
  await context.addCookies(browserCookies(admin, base));
  const page = await context.newPage();
  await page.goto(`${base}/account`);
  expect(await page.textContent('#api-tokens')).toContain('You have no API tokens yet.');

  await page.getByLabel("New token's name").fill('browser test');
  await Promise.all([page.waitForURL(`${base}/account/tokens#api-tokens`), page.getByLabel("New token's name").press('Enter')]);
  const token = await page.inputValue('#new-api-token');
  expect(token).toMatch(/^bench_pat_/);

  const create = await fetch(`${base}/api/bench/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ models: ['offline/offline'], kinds: ['numeric'], count: 1 }),
  });
  expect(create.status).toBe(201);

  await page.goto(`${base}/account`);
  expect(await page.content()).not.toContain(token);
  const row = page.locator('#api-tokens tbody tr', { hasText: 'browser test' });
  expect(await row.textContent()).not.toContain('never');

  await Promise.all([page.waitForURL(`${base}/account#api-tokens`), row.getByRole('button', { name: 'Revoke the token browser test' }).click()]);
  expect(await row.textContent()).toMatch(/revoked/);
  const refused = await fetch(`${base}/api/bench/runs/1`, { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
  await context.close();
}, 120_000);
