/**
 * Layout and accessibility of the main pages in real Chromium: at 390x844 (a phone) and 1280x800 no page scrolls
 * sideways, a failing code verdict with a long traceback included; and axe-core finds no serious or critical
 * violation on the main pages, in light and in dark mode.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db.js';
import { firstOfKind } from '../integration/practice/helpers.js';
import { startPracticeBrowser, type PracticeBrowser } from './practice-browser.js';

const SLOW = 300_000; // bounds only a hang: a real worker grading on a loaded 2-core machine can take minutes
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const code = firstOfKind('code');
const written = firstOfKind('written');
// A failure whose traceback has a line far wider than any column.
const failing = `def ${/def (\w+)/.exec(code.starter!)![1]}(*args, **kwargs):\n    raise ValueError("${'a-very-long-message-'.repeat(12)}")\n`;

const db = useTestDatabase();
let harness: PracticeBrowser;
let base: string;
let attemptUrl: string;

const signedIn = (options: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page }> =>
  harness.signedIn('/problems', options);

beforeAll(async () => {
  harness = await startPracticeBrowser(db);
  base = harness.base;
  // One failing code attempt (graded by the worker), a numeric attempt and a written one, so the pages have rows.
  const { context, page } = await signedIn({ javaScriptEnabled: false });
  await page.goto(`${base}/problems/${code.slug}`);
  await page.locator('textarea#code').fill(failing);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.waitForURL(/\/attempts\/[0-9a-f-]{36}$/);
  attemptUrl = page.url().slice(base.length);
  await page.locator('.attempt[data-final="true"]').waitFor({ timeout: SLOW });
  await page.goto(`${base}/problems/${written.slug}`);
  await page.locator('textarea#answer').fill('A short answer.');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await page.locator('.attempt[data-final="true"]').waitFor({ timeout: SLOW });
  await context.close();
}, 2 * SLOW);

afterAll(() => harness?.close());

const pages = () => [
  '/',
  '/problems',
  `/problems/${code.slug}`,
  `/problems/${written.slug}`,
  attemptUrl,
  '/progress',
  '/runs',
  '/admin/users',
  '/admin/access-requests',
  '/admin/usage',
  '/admin/providers',
  '/admin/problem-reports',
  '/admin/workers',
];

/** How far the page scrolls sideways past the viewport (0 when it fits), and the innermost element sticking out. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const extra = document.documentElement.scrollWidth - window.innerWidth;
    if (extra <= 0) return 0;
    const out = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1);
    const inner = out.filter((el) => !out.some((o) => o !== el && el.contains(o)));
    return `${extra}px: ${inner.slice(0, 3).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`).join(', ')}`;
  });

describe('no page scrolls sideways', () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    it(`at ${viewport.width}x${viewport.height}`, { timeout: SLOW }, async () => {
      const { context, page } = await signedIn({ viewport });
      const wide: Record<string, number | string> = {};
      for (const url of pages()) {
        await page.goto(`${base}${url}`);
        const extra = await overflow(page);
        if (extra !== 0) wide[url] = extra;
      }
      expect(wide).toEqual({});
      await context.close();
    });
  }

  it('on a phone, the problem list still shows each problem’s time and status', async () => {
    const { context, page } = await signedIn({ viewport: { width: 390, height: 844 } });
    const row = page.locator(`tr[data-slug="${code.slug}"]`);
    for (const label of ['Time', 'Status']) {
      const cell = row.locator(`td[data-label="${label}"]`);
      expect(await cell.isVisible()).toBe(true);
      const box = (await cell.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    await context.close();
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } };
    return (await w.axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')} — ${v.nodes[0]?.failureSummary ?? ''}`);
}

describe('axe-core finds no serious or critical violation', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`in ${colorScheme} mode`, { timeout: 2 * SLOW }, async () => {
      const { context, page } = await signedIn({ colorScheme, viewport: { width: 1280, height: 800 } });
      const found: Record<string, string[]> = {};
      for (const url of pages()) {
        await page.goto(`${base}${url}`);
        // The editor builds itself after load; check the page as the user sees it.
        if (url === `/problems/${code.slug}`) await page.locator('.cm-content').waitFor();
        const v = await axe(page);
        if (v.length) found[url] = v;
      }
      expect(found).toEqual({});
      await context.close();
    });
  }
});
