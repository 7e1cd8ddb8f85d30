/**
 * Shared by the practice browser tests: the real app listening on loopback over the file's database, a real worker
 * process that grades, Chromium, and signing in as the local operator in a fresh browser context.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import type { TestDatabase } from '../helpers/db.js';
import { killAll, spawnWorker } from '../integration/runs/helpers.js';
import { practiceApp } from '../integration/practice/helpers.js';

export interface PracticeBrowser {
  app: FastifyInstance;
  base: string;
  browser: Browser;
  /** A fresh context signed in as the local operator, on `next`. */
  signedIn(next: string, options?: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page }>;
  /** Stops the worker early, so nothing queued after this runs (a test whose next run would fetch off the machine). */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function startPracticeBrowser(db: TestDatabase): Promise<PracticeBrowser> {
  const app = await practiceApp(db);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const worker = spawnWorker(db.url, { LOG_LEVEL: 'warn', GRADER_POOL_SIZE: '1' });
  await worker.ready(db.pool);
  return {
    app,
    base,
    browser,
    async signedIn(next, options = {}) {
      const context = await browser.newContext(options);
      const page = await context.newPage();
      await page.goto(`${base}/login?next=${encodeURIComponent(next)}`);
      await page.getByRole('button', { name: 'Sign in locally' }).click();
      await page.waitForURL(`${base}${next}`);
      return { context, page };
    },
    async stopWorker() {
      await killAll([worker]);
    },
    async close() {
      await browser.close();
      await killAll([worker]);
      await app.close();
    },
  };
}
