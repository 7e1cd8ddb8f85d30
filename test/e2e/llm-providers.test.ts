/**
 * In a real browser: the admin's provider test button works through htmx (the answer is swapped in, no page load),
 * with the Anthropic fake behind it; and the account page shows the usage meter.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropic, FAKE_ANTHROPIC_KEY, startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic.js';
import { browserCookies, signIn } from '../helpers/auth.js';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let fake: FakeAnthropic;
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  fake = await startFakeAnthropic();
  app = await buildTestApp(db, { env: { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_KEY, ANTHROPIC_BASE_URL: fake.url } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await fake?.close();
});

async function adminPage() {
  const admin = await signIn(app, db, { admin: true });
  const context = await browser.newContext();
  await context.addCookies(browserCookies(admin, base));
  return context.newPage();
}

describe('AI admin in the browser', () => {
  it('the test button swaps the answer in place through htmx', async () => {
    const page = await adminPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/admin/providers`);
    fake.script(anthropic.message({ text: 'ready', delayMs: 200 }));
    // A marker on window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.selectOption('#test-provider', 'anthropic');
    await page.click('form[action="/admin/providers/test"] button[type=submit]');
    await page.waitForSelector('#test-result h3');
    expect(await page.textContent('#test-result')).toContain('answered');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    expect(fake.requests).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('the account page shows the usage meter', async () => {
    const page = await adminPage();
    await page.goto(`${base}/account`);
    expect(await page.textContent('#ai-usage')).toMatch(/of 200,000 tokens used today/);
    expect(await page.locator('#ai-usage progress').count()).toBe(1);
  });
});
