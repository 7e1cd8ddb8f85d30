/**
 * In a real browser with JavaScript off: importing a dataset from a file through the upload form. A bad line comes
 * back named beside the form with the input kept (the file's lines in the text box); fixing it there imports it.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { browserCookies, signIn } from '../helpers/auth.js';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';

const db = useTestDatabase();
let app: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  app = await buildTestApp(db);
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

it('imports a file without JavaScript: the bad line is named, the input kept, and the fixed text imports', async () => {
  const admin = await signIn(app, db, { admin: true });
  const context = await browser.newContext({ javaScriptEnabled: false });
  await context.addCookies(browserCookies(admin, base));
  const page = await context.newPage();
  await page.goto(`${base}/bench/datasets`);
  expect(await page.textContent('main')).toContain('No dataset imported yet');

  const lines = ['{"question": "2 + 2?", "answer": 4}', '{"question": "3 + 3?", "answer": "six"}'].join('\n');
  await page.fill('#f-name', 'tiny-sums');
  await page.check('input[name=shape][value=numeric]');
  await page.setInputFiles('#f-file', { name: 'tiny.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines) });
  const submit = 'form[action="/bench/datasets"] button[type=submit]';
  await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${base}/bench/datasets`), page.click(submit)]);
  expect(await page.textContent('#f-file-error')).toBe('1 of 2 lines are not valid numeric items; nothing was imported');
  expect(await page.textContent('tr[data-line="2"]')).toContain('answer');
  expect(await page.inputValue('#f-name')).toBe('tiny-sums');
  expect(await page.isChecked('input[name=shape][value=numeric]')).toBe(true);
  expect(await page.inputValue('#f-jsonl')).toBe(lines);

  await page.fill('#f-jsonl', lines.replace('"six"', '6'));
  await Promise.all([page.waitForURL(`${base}/bench/datasets?imported=tiny-sums`), page.click(submit)]);
  expect(await page.textContent('div.notice[role=status]')).toContain('Imported tiny-sums');
  expect(await page.textContent('tr[data-dataset="tiny-sums"]')).toMatch(/tiny-sums\s*numeric\s*2/);
  await context.close();
});
