/**
 * In a real browser: a reflection is written through the plain form and its answer appears in place (htmx polls the
 * slot until the worker's handler has answered); a library page is added, appears in the list when fetched, opens
 * with nothing from the page running, and is marked read in place. The run handlers are the worker's own, run in
 * this process when the test has seen the page waiting (no worker process: nothing here needs the grader).
 */
import type { LookupAddress } from 'node:dns';
import { createServer } from 'node:http';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, type FetchPolicy } from '../../src/library/fetch.js';
import { createLlm } from '../../src/llm/index.js';
import { createLibraryFetchHandler } from '../../worker/handlers/library-fetch.js';
import { createReflectionAnswerHandler } from '../../worker/handlers/reflection-answer.js';
import type { RunContext, RunHandler } from '../../worker/handlers/types.js';
import { listenOnLoopback, type Listening } from '../fakes/loopback.js';
import { buildTestApp, testConfig } from '../helpers/app.js';
import { signIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let base: string;
let listening: Listening;
let browser: Browser;
let context: BrowserContext;
const silent = pino({ level: 'silent' });

const ARTICLE = `<!doctype html><html><head><title>Notes on evaluation</title>
<meta name="description" content="Why held-out sets leak.">
<script>window.pwned = 1</script></head><body><article><h1>Notes on evaluation</h1>
<p>${'Held-out sets leak through tuning. '.repeat(20)}<img src="x" onerror="window.pwned = 2"></p>
<p><a href="javascript:window.pwned = 3">Click me</a> ${'Report the variance across seeds. '.repeat(20)}</p></article></body></html>`;

const resolve = async (hostname: string): Promise<LookupAddress[]> => {
  if (hostname === 'papers.test.example') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};
const policy: FetchPolicy = { ...DEFAULT_POLICY, resolve, allowLoopbackForTests: true, dial: () => '127.0.0.1' };

/** Runs the newest queued run of a kind through its handler, as the worker would after claiming it. */
async function runQueued(kind: string, handler: RunHandler): Promise<unknown> {
  const { rows } = await db.pool.query(`SELECT id::text, payload FROM runs WHERE kind = $1 AND status = 'queued' ORDER BY id DESC LIMIT 1`, [kind]);
  await db.pool.query('DELETE FROM runs WHERE id = $1', [rows[0].id]);
  const ctx = { runId: rows[0].id, attempt: 1, ownerId: null, signal: new AbortController().signal, log: silent } as Partial<RunContext>;
  return handler.handle(rows[0].payload, ctx as RunContext);
}

beforeAll(async () => {
  listening = await listenOnLoopback(createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(ARTICLE)));
  app = await buildTestApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const user = await signIn(app, db, { name: 'Reader' });
  browser = await launchChromium();
  context = await browser.newContext();
  await context.addCookies(
    user.cookie.split('; ').map((pair) => {
      const [name, ...rest] = pair.split('=');
      return { name: name!, value: rest.join('='), url: base };
    }),
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await listening?.close();
});

const llm = () => createLlm({ config: testConfig(db), pool: db.pool, logger: silent });

describe('reflections and the library in a browser', () => {
  it('writes a reflection and shows its answer in place once it is ready', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/reflections`);
    await page.selectOption('#f-prompt', 'open-doors');
    await page.fill('#f-body', 'I skipped the reading group again; too many meetings.');
    await Promise.all([page.waitForURL(/\/reflections\/\d+$/), page.click('button[type=submit]:has-text("Save entry")')]);
    await page.locator('.reflection-answer .badge', { hasText: 'thinking' }).waitFor();
    // The page is polling: the answer is written now, and the slot must replace itself without a reload.
    await page.waitForRequest((r) => /\/reflections\/\d+\/answer$/.test(new URL(r.url()).pathname));
    expect(await runQueued('reflection-answer', createReflectionAnswerHandler({ db: db.pool, llm: llm() }))).toEqual({ outcome: 'answered' });
    const question = page.locator('.reflection-follow-up');
    await question.waitFor();
    expect(await question.textContent()).toMatch(/\?$/);
    await expect(page.locator('.llm-notice').textContent()).resolves.toContain('offline prompts for reflection');
    await page.close();
  });

  it('adds a page, shows it when fetched, opens it with nothing from the page running, and marks it read in place', async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => void dialogs.push(d.message()));
    await page.goto(`${base}/library/add`);
    await page.fill('#f-url', `http://papers.test.example:${listening.port}/notes`);
    await Promise.all([page.waitForURL(/\/library(#item-\d+)?$/), page.click('button[type=submit]:has-text("Add")')]);
    await page.locator('.badge', { hasText: 'fetching' }).waitFor();
    await page.waitForRequest((r) => new URL(r.url()).pathname === '/library');
    expect(await runQueued('library-fetch', createLibraryFetchHandler({ db: db.pool, llm: llm(), policy }))).toEqual({ status: 'saved' });
    const link = page.locator('a', { hasText: 'Notes on evaluation' });
    await link.waitFor();
    // htmx posts the toggle and swaps the card: no page load.
    const toggled = page.waitForRequest((r) => r.url().endsWith('/read') && r.headers()['hx-request'] === 'true');
    let loads = 0;
    page.on('load', () => loads++);
    await page.click('button:has-text("Mark read")');
    await toggled;
    await page.locator('button', { hasText: 'Mark unread' }).waitFor();
    expect(loads).toBe(0);

    await Promise.all([page.waitForURL(/\/library\/\d+$/), link.click()]);
    await page.click('summary');
    await expect(page.locator('.library-text').textContent()).resolves.toContain('Report the variance across seeds.');
    expect(await page.locator('.library-text a, .library-text img, .library-text script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });
});
