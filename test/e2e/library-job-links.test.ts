/**
 * In a real browser: a library item is linked to one of the user's job descriptions and unlinked again from its page,
 * htmx swapping only the links section (no page load). Items and JDs are added over HTTP; nothing is fetched or
 * analysed, since a link needs neither.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { browserCookies, signIn, type SignedIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let base: string;
let user: SignedIn;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  app = await buildTestApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  user = await signIn(app, db, { name: 'Reader' });
  browser = await launchChromium();
  context = await browser.newContext();
  await context.addCookies(browserCookies(user, base));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const post = async (url: string, fields: Record<string, string>) =>
  app.inject({ method: 'POST', url, headers: { ...user.headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

describe('linking a library item to a job description in a browser', () => {
  it('links and unlinks in place', async () => {
    const item = /#item-(\d+)$/.exec(String((await post('/library/add', { url: 'https://papers.example.org/evals' })).headers.location))![1]!;
    const job = /^\/jobs\/(\d+)$/.exec(String((await post('/jobs', { text: 'ML engineer: evaluation, Python, PyTorch and careful experiment design.' })).headers.location))![1]!;
    const page = await context.newPage();
    await page.goto(`${base}/library/${item}`);
    let loads = 0;
    page.on('load', () => loads++);

    await page.selectOption('#f-job', job);
    // htmx posts the form and swaps the section: the answer is the fragment (200), not the plain post's redirect.
    const linked = page.waitForResponse((r) => r.url().endsWith(`/library/${item}/jobs`));
    await page.click('#item-jobs button:has-text("Link")');
    expect((await linked).request().headers()['hx-request']).toBe('true');
    expect((await linked).status()).toBe(200);
    await page.locator(`#item-jobs a[href="/jobs/${job}"]`).waitFor();

    const unlinked = page.waitForResponse((r) => r.url().endsWith(`/library/${item}/jobs/remove`));
    await page.click('#item-jobs button:has-text("Unlink")');
    expect((await unlinked).request().headers()['hx-request']).toBe('true');
    expect((await unlinked).status()).toBe(200);
    await page.locator('#item-jobs .empty', { hasText: 'Not linked to any job description yet.' }).waitFor();
    expect(loads).toBe(0);
    await page.close();
  });
});
