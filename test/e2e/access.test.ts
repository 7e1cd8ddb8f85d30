/**
 * In a real Chromium (chosen by test/helpers/browser.ts, driven by playwright-core), under the real CSP: pages load
 * their scripts, the request-access form shows a bad field's message beside it, and the operator approves a request
 * in place with htmx.
 * Any CSP violation -- reported as an event or in the console -- fails the test.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { docScreenshot } from '../helpers/screenshots.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth } from '../fakes/supabase-auth.js';

const db = useTestDatabase();
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await buildTestApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** A page that records CSP violations (the DOM event, injected by the browser driver, so the CSP cannot block it). */
async function watchedPage(): Promise<{ page: Page; violations: string[]; consoleErrors: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  const consoleErrors: string[] = [];
  await page.exposeFunction('__reportCsp', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp: (v: string) => void }).__reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  return { page, violations, consoleErrors };
}

function expectNoCspTrouble(w: { violations: string[]; consoleErrors: string[] }) {
  expect(w.violations).toEqual([]);
  expect(w.consoleErrors.filter((t) => /Content Security Policy|Refused to/i.test(t))).toEqual([]);
}

describe('pages under the CSP in Chromium', () => {
  it('home, login and request-access load with their scripts and no violation', async () => {
    const w = await watchedPage();
    for (const path of ['/', '/login', '/request-access']) {
      const res = await w.page.goto(`${base}${path}`);
      expect(res?.status(), path).toBe(200);
      expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
      // htmx and our app.js ran: scripts from our own origin are allowed.
      expect(await w.page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
    }
    expectNoCspTrouble(w);
    await w.page.context().close();
  });

  it('the request-access form shows a bad field beside it, keeps the input, then accepts the fix', async () => {
    const w = await watchedPage();
    await w.page.goto(`${base}/request-access`);
    await w.page.getByLabel('Your name').fill('Browser Person');
    await w.page.getByLabel('E-mail').fill('not-an-address');
    await w.page.getByLabel('Why would you like access?').fill('I would like to practise ML system design.');
    // The honeypot is off-screen for a person (bots reading the HTML still see an ordinary field).
    const trap = await w.page.locator('.hp').boundingBox();
    expect(trap!.x + trap!.width).toBeLessThanOrEqual(0);
    await w.page.getByRole('button', { name: 'Send request' }).click();
    await w.page.waitForSelector('#f-email-error');
    expect(await w.page.locator('#f-email-error').textContent()).toContain('Enter an e-mail address');
    expect(await w.page.locator('#f-email').getAttribute('aria-invalid')).toBe('true');
    expect(await w.page.locator('#f-email').inputValue()).toBe('not-an-address');
    expect(await w.page.locator('#f-name').inputValue()).toBe('Browser Person');
    expect(await w.page.locator('#f-reason').inputValue()).toBe('I would like to practise ML system design.');

    await w.page.getByLabel('E-mail').fill('browser.person@example.com');
    await w.page.getByRole('button', { name: 'Send request' }).click();
    await w.page.getByRole('heading', { name: 'Thanks, your request is in' }).waitFor();
    expectNoCspTrouble(w);
    await w.page.context().close();
  });

  it('the operator signs in locally and approves a request in place with htmx', async () => {
    await db.pool.query(`INSERT INTO access_requests (name, email, reason) VALUES ('Htmx Person', 'htmx.person@example.com', 'Testing the operator page.')`);
    const w = await watchedPage();
    await w.page.goto(`${base}/login?next=/admin/access-requests`);
    await w.page.getByRole('button', { name: 'Sign in locally' }).click();
    await w.page.waitForURL(`${base}/admin/access-requests`);
    const row = w.page.locator('li.request', { hasText: 'htmx.person@example.com' });
    await row.getByRole('link', { name: 'Approve…' }).click();
    // htmx swapped the confirmation into the same place: the URL did not change.
    await w.page.getByRole('button', { name: 'Confirm: approve' }).waitFor();
    expect(w.page.url()).toBe(`${base}/admin/access-requests`);
    await w.page.getByLabel('Note (optional, only operators see it)').fill('Approved from the browser test.');
    await w.page.getByRole('button', { name: 'Confirm: approve' }).click();
    await w.page.locator('li.request', { hasText: 'Approved from the browser test.' }).waitFor();
    expect(w.page.url()).toBe(`${base}/admin/access-requests`);
    const { rows } = await db.pool.query(`SELECT status, decision_note FROM access_requests WHERE email = 'htmx.person@example.com'`);
    expect(rows[0]).toEqual({ status: 'approved', decision_note: 'Approved from the browser test.' });
    expectNoCspTrouble(w);
    await docScreenshot(w.page, 'access-requests');
    await w.page.context().close();
  });
});

describe('Sign in with GitHub in Chromium, through the fake Supabase', () => {
  let supabase: FakeSupabaseAuth;
  let gh: FastifyInstance;
  let ghBase: string;

  beforeAll(async () => {
    supabase = await startFakeSupabaseAuth();
    gh = await buildTestApp(db, { env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey } });
    await gh.listen({ host: '127.0.0.1', port: 0 });
    const address = gh.server.address();
    ghBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await gh?.close();
    await supabase?.close();
  });

  it('the form post redirects to Supabase and back (allowed by form-action), signs in, and signs out', async () => {
    supabase.nextUser = { id: '5a5a5a5a-0000-4000-8000-00000000e2e0', email: 'browser.gh@example.com', userName: 'browser-gh', fullName: 'Gigi Hub' };
    const w = await watchedPage();
    await w.page.goto(`${ghBase}/login`);
    await w.page.getByRole('button', { name: 'Sign in with GitHub' }).click();
    await w.page.getByRole('link', { name: 'Gigi Hub' }).waitFor();
    expect(new URL(w.page.url()).origin).toBe(ghBase);
    const cookies = await w.page.context().cookies(ghBase);
    const access = cookies.find((c) => c.name === 'bench_access');
    expect(access).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(cookies.find((c) => c.name === 'bench_pkce')).toBeUndefined();
    // Scripts cannot read the session.
    expect(await w.page.evaluate(() => document.cookie)).not.toContain('bench_access');

    await w.page.getByRole('button', { name: 'Sign out' }).click();
    await w.page.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect(supabase.sessions.at(-1)?.revoked).toBe(true);
    expectNoCspTrouble(w);
    await w.page.context().close();
  });
});
