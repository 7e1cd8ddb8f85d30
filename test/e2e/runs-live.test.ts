/**
 * In a real browser: the run page shows live progress while a real worker process executes the run, stops polling
 * once it is finished, and the cancel button stops a running run.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueRun } from '../../src/runs/enqueue.js';
import { getRun } from '../../src/runs/queries.js';
import { buildTestApp } from '../helpers/app.js';
import { browserCookies, signIn, type SignedIn } from '../helpers/auth.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from '../integration/runs/helpers.js';

const db = useTestDatabase();
const workers: WorkerProcess[] = [];
let app: FastifyInstance;
let base: string;
let browser: Browser;
let context: BrowserContext;
let alice: SignedIn;

beforeAll(async () => {
  app = await buildTestApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  alice = await signIn(app, db, { name: 'Alice' });
  // A long lease: the first test holds the run's row for a while, and nothing should sweep it meanwhile.
  const w = spawnWorker(db.url, { WORKER_CONCURRENCY: '1', WORKER_LEASE_MS: '60000' });
  workers.push(w);
  await w.ready(db.pool);
  browser = await launchChromium();
  context = await browser.newContext();
  await context.addCookies(browserCookies(alice, base));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await killAll(workers);
  await app?.close();
});

/** Counts the page's requests to a path, to see polling start and stop. */
function countRequests(page: Page, path: string): () => number {
  let n = 0;
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === path) n++;
  });
  return () => n;
}

describe('the run page in a browser', () => {
  it('shows live progress until the run finishes, then stops polling', async () => {
    const { id } = await enqueueRun(db.pool, { kind: 'sleep', ownerId: alice.user.id, payload: { ms: 8000, steps: 8 } });
    // Once the run is part-way, hold its row: the worker's next progress write waits on it, so the run stays live
    // (not finished) for as long as the page takes to open and poll -- on a machine of any speed. Opening the page
    // first and hoping the run outlasts it fails on a busy machine (the page then only ever sees 8 / 8).
    await waitFor(async () => ((await getRun(db.pool, id))?.progress?.done ?? 0) >= 1, { what: 'the run to be part-way' });
    const hold = await db.pool.connect();
    const page = await context.newPage();
    const polls = countRequests(page, `/runs/${id}/status`);
    const seen = new Set<string>();
    const progressText = async () => (await page.locator('[data-progress-text]').first().textContent())?.replace(/\s+/g, ' ').trim() ?? '';
    try {
      await hold.query('BEGIN');
      await hold.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [id]);
      await page.goto(`${base}/runs/${id}`);
      await waitFor(async () => /^[1-7] \/ 8/.test(await progressText()), { what: 'the page to show the run part-way', intervalMs: 100 });
      seen.add(await progressText());
      const before = polls();
      await waitFor(async () => polls() >= before + 3, { what: 'three polls while the run is live', intervalMs: 100 });
      expect((await getRun(db.pool, id))?.status).toBe('running');
      await hold.query('COMMIT');
    } finally {
      hold.release();
    }
    await waitFor(
      async () => {
        // Status first, then the text: read the other way round, a swap landing between the two reads ends the wait
        // on the finished status with only the text from before it seen (the flake this order removes).
        const done = (await page.locator('#run-status').getAttribute('data-status')) === 'succeeded';
        const text = await progressText();
        if (text) seen.add(text);
        return done;
      },
      { what: 'the page to show the run succeeded', intervalMs: 100 },
    );
    // A part-way progress state was shown while the page was open, then the final one.
    expect([...seen].some((t) => /^[1-7] \/ 8/.test(t))).toBe(true);
    expect([...seen].some((t) => /^8 \/ 8/.test(t))).toBe(true);
    expect(await page.locator('[data-run-result]').textContent()).toContain('Slept 8000 ms in 8 steps');
    expect(await page.locator('progress').getAttribute('value')).toBe('100');
    expect(polls()).toBeGreaterThan(2);
    // The terminal fragment has no hx-trigger: no further requests over three polling periods.
    const after = polls();
    await page.waitForTimeout(3000);
    expect(polls()).toBe(after);
    await page.close();
  }, 60_000);

  it('the cancel button stops a running run started from the runs page', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/runs`);
    await page.getByRole('button', { name: /demo run/ }).click();
    await page.waitForURL(/\/runs\/\d+$/);
    const id = page.url().split('/').pop()!;
    await waitFor(async () => /^\d+ \/ 20/.test((await page.locator('[data-progress-text]').textContent())?.trim() ?? ''), {
      what: 'progress to appear',
      intervalMs: 100,
    });
    await page.getByRole('button', { name: 'Cancel run' }).click();
    await waitFor(async () => (await page.locator('#run-status').getAttribute('data-status')) === 'canceled', {
      what: 'the page to show the run canceled',
      intervalMs: 100,
    });
    expect(await page.locator('#run-status').textContent()).toContain('Canceled while running.');
    expect(await getRun(db.pool, id)).toMatchObject({ status: 'canceled', ownerId: alice.user.id });
    await page.close();
  }, 60_000);
});
