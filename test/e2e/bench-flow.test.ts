/**
 * In a real browser: an admin creates a two-model benchmark run from /bench/new, watches one run progress live to
 * done, opens an item, and opens the paired comparison. A real worker process executes the runs against a fake
 * OpenAI-compatible server on 127.0.0.1.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildTestApp } from '../helpers/app.js';
import { browserCookies, signIn, type SignedIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { docScreenshot } from '../helpers/screenshots.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../fakes/openai-compatible.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from '../integration/runs/helpers.js';
import { fakeEnv, isProbe, itemOf } from '../integration/bench/helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
let fake: FakeOpenAiCompatible;
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let admin: SignedIn;

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
  // model-b gets every probability item wrong; answers are slow enough for progress to be seen.
  fake.always(openaiCompat.completion({
    delayMs: 200,
    content: (body) => (isProbe(body) ? 'ready' : body.model === 'model-b' && itemOf(body).topic === 'probability' ? 'Answer: -1' : `Answer: ${itemOf(body).answer}`),
  }));
  const env = fakeEnv(fake.url);
  app = await buildTestApp(db, { env });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  admin = await signIn(app, db, { admin: true });
  const w = spawnWorker(db.url, { ...env, GRADER_POOL_SIZE: '1' });
  workers.push(w);
  await w.ready(db.pool);
  browser = await launchChromium();
  context = await browser.newContext();
  await context.addCookies(browserCookies(admin, base));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await killAll(workers);
  await app?.close();
  await fake?.close();
});

it('creates a run, watches it progress to done, opens an item and the comparison', async () => {
  const page = await context.newPage();
  await page.goto(`${base}/bench/new`);
  // A bad field comes back with the message beside it and the user's input kept.
  await page.check('input[name=models][value="openai-compatible/model-a"]');
  await page.fill('#f-seed', 'not a valid seed!');
  await page.click('form[action="/bench/new"] button[type=submit]');
  await expect.poll(() => page.locator('#f-seed-error').textContent()).toContain('letters, digits');
  expect(await page.inputValue('#f-seed')).toBe('not a valid seed!');
  expect(await page.isChecked('input[name=models][value="openai-compatible/model-a"]')).toBe(true);

  await page.check('input[name=models][value="openai-compatible/model-b"]');
  await page.check('input[name=kinds][value=numeric]');
  await page.fill('#f-seed', 'browser');
  await page.fill('#f-concurrency', '1');
  await page.fill('#f-budgetTokens', '100000');
  await page.click('form[action="/bench/new"] button[type=submit]');
  await page.waitForURL(`${base}/bench`);
  const rows = page.locator('tr[data-bench-id]');
  await expect.poll(() => rows.count()).toBe(2);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-bench-id')!));

  await page.goto(`${base}/bench/${ids[1]}`);
  const seen = new Set<string>();
  await waitFor(
    async () => {
      const text = (await page.locator('[data-progress-text]').textContent())?.trim() ?? '';
      if (text) seen.add(text);
      return (await page.locator('#bench-live').getAttribute('data-status')) === 'succeeded';
    },
    { what: 'the page to show the run succeeded', timeoutMs: 60_000, intervalMs: 100 },
  );
  // Progress was seen moving, not only the final state.
  expect([...seen].filter((t) => /^\d+ of 7 items$/.test(t)).length).toBeGreaterThanOrEqual(2);
  expect(await page.locator('[data-score]').textContent()).toContain('95% CI');
  await docScreenshot(page, 'bench-run');

  await page.locator('tr[data-item] a').first().click();
  await page.waitForURL(/\/items\//);
  expect(await page.locator('[data-verdict]').textContent()).toBe('correct');
  expect(await page.locator('[data-response]').textContent()).toMatch(/^Answer: /);

  // Both runs must be done before the comparison means anything.
  await waitFor(async () => (await page.request.get(`${base}/api/bench/runs/${ids[0]}`).then((r) => r.json())).status === 'succeeded', { what: 'the other run to finish', timeoutMs: 60_000 });
  await page.goto(`${base}/bench/compare?runs=${ids[1]},${ids[0]}`);
  const paired = await page.locator('[data-paired]').textContent();
  expect(paired).toContain('On 7 shared items');
  const probability = (await page.locator('[data-only-a]').allTextContents()).length;
  expect(probability).toBeGreaterThan(0);
  expect(await page.locator('[data-only-b]').count()).toBe(0);
  expect(await page.locator('svg[role=img]').count()).toBe(1);
}, 180_000);
