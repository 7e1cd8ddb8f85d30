/**
 * E-mail sign-in in a real browser, under the real CSP: ask for a link on /login, open the link from the fake
 * Supabase's outbox and land signed in on `next`; type the code in a second browser context instead; a stranger's
 * address gets the same neutral answer and no e-mail.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { mailsTo } from '../helpers/email-sign-in.js';
import { startFakeSupabaseAuth, type FakeSupabaseAuth } from '../fakes/supabase-auth.js';

const db = useTestDatabase();
let supabase: FakeSupabaseAuth;
let app: FastifyInstance;
let browser: Browser;
let base: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  supabase = await startFakeSupabaseAuth();
  app = await buildTestApp(db, {
    env: { SUPABASE_URL: supabase.url, SUPABASE_ANON_KEY: supabase.anonKey, LIS_ALLOWED_EMAILS: 'ada@example.com' },
    setup: (a) => a.get('/whoami', async (req) => ({ email: req.user?.email ?? null })),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await Promise.all(contexts.map((c) => c.close()));
  await browser?.close();
  await app?.close();
  await supabase?.close();
});

async function freshPage(): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  return context.newPage();
}

/** Fills the login page's e-mail form with the keyboard, as a person would, and waits for the answer page. */
async function askForLink(page: Page, email: string) {
  await page.goto(`${base}/login?next=/whoami`);
  await page.getByLabel('Or sign in with your e-mail address').fill(email);
  await Promise.all([page.waitForURL(`${base}/auth/email`), page.getByLabel('Or sign in with your e-mail address').press('Enter')]);
}

const signedInAs = async (page: Page) => JSON.parse((await page.locator('body').innerText()) || '{}').email;

describe('sign-in by e-mail in Chromium', () => {
  it('follows the e-mailed link to land signed in on next', async () => {
    const page = await freshPage();
    await askForLink(page, 'ada@example.com');
    await expect(page.getByRole('heading', { name: 'Check your e-mail' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('.notice-ok').innerText()).toBe('If ada@example.com may sign in to this Bench, a sign-in link is on its way. It works once, and only in this browser.');

    const mail = mailsTo(supabase, 'ada@example.com').at(-1)!;
    await page.goto(mail.link);
    await page.waitForURL(`${base}/whoami`);
    expect(await signedInAs(page)).toBe('ada@example.com');
  });

  it('takes the code typed in another browser context', async () => {
    const asking = await freshPage();
    await askForLink(asking, 'ada@example.com');
    const mail = mailsTo(supabase, 'ada@example.com').at(-1)!;

    const other = await freshPage();
    await other.goto(`${base}/login?next=/whoami`);
    await Promise.all([other.waitForURL(/\/auth\/email\/code/), other.getByRole('link', { name: 'Type it here' }).click()]);
    await other.getByLabel('E-mail').fill('ada@example.com');
    await other.getByLabel('Six-digit code').fill(mail.code);
    await Promise.all([other.waitForURL(`${base}/whoami`), other.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await signedInAs(other)).toBe('ada@example.com');
  });

  it("gives a stranger's address the same neutral answer and sends nothing", async () => {
    const before = supabase.outbox.length;
    const page = await freshPage();
    await askForLink(page, 'mallory@example.com');
    expect(await page.locator('.notice-ok').innerText()).toBe('If mallory@example.com may sign in to this Bench, a sign-in link is on its way. It works once, and only in this browser.');
    expect(await page.getByRole('link', { name: 'Request access' }).count()).toBeGreaterThan(0);
    expect(supabase.outbox.length).toBe(before);
  });
});
