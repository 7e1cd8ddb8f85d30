/**
 * The docs' screenshots come from the browser tests: a test calls docScreenshot() at the moment its page shows what
 * the docs describe. Only with UPDATE_SCREENSHOTS=1 is docs/img/<name>.png written (the PNGs are committed and shown
 * by the docs pages); an ordinary run writes nothing, so the suite leaves the working tree clean.
 *
 *   UPDATE_SCREENSHOTS=1 npx vitest run test/e2e/ops-page.test.ts test/e2e/bench-flow.test.ts ...
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../src/paths.js';

/** The docs' images, each named after the page it shows. */
export type DocImage = 'ops' | 'usage' | 'practice' | 'bench-run' | 'access-requests';

/** The whole page; with `maxHeight`, only its top that many CSS pixels tall (a long page's first part). */
export async function docScreenshot(page: Page, name: DocImage, opts: { maxHeight?: number } = {}): Promise<void> {
  if (process.env.UPDATE_SCREENSHOTS !== '1') return;
  const path = join(projectRoot, 'docs', 'img', `${name}.png`);
  if (opts.maxHeight === undefined) {
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    return;
  }
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  const clip = { x: 0, y: 0, width: size.width, height: Math.min(size.height, opts.maxHeight) };
  await page.screenshot({ path, fullPage: true, clip, animations: 'disabled' });
}
