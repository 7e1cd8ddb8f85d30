/**
 * The in-browser runner in real Chromium: the page served by the real app under a strict CSP, the editor typed into,
 * Run pressed, Pyodide loaded from our own origin in a Web Worker, results read from the page as a user sees them.
 * Both ways of stopping a runaway loop are covered: terminating the worker (no isolation) and Pyodide's interrupt
 * buffer (cross-origin isolated page).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';
import { createGraderPool } from '../../dist/worker/grader/index.js';
import { readBank } from '../../src/practice/bank.js';
import { buildTestApp } from '../helpers/app.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/db.js';
import { STRICT_CSP, addProblemPage } from './client-page.js';

// A real problem from the bank: its starter code fails the visible tests and its reference solution passes them.
const bank = join(projectRoot, 'src', 'practice', 'bank', 'stable-softmax');
const starter = readFileSync(join(bank, 'starter.py'), 'utf8');
const solution = readFileSync(join(bank, 'solution.py'), 'utf8');
// The cases are embedded in the page as JSON; this name would end a naively embedded <script> block.
const cases = readBank().bySlug.get('stable-softmax')!.cases!.filter((c) => c.visible);
const visibleTests = [...cases, { name: 'x</script><script src="/x.js"></script>', visible: true, steps: [{ call: 'softmax', args: [[0]] }], expected: [[1]] }];
const testNames = visibleTests.map((c) => c.name);

const wrongSolution = `import math

def softmax(xs):
    print("softmax called with", xs)
    return [1.0 / len(xs)] * len(xs)

def logsumexp(xs):
    return math.log(sum(math.exp(x) for x in xs))

def log_softmax(xs):
    return [x - logsumexp(xs) for x in xs]
`;
const infiniteLoop = 'def softmax(xs):\n    while True:\n        pass\n';
// Catches the KeyboardInterrupt and keeps looping: only terminating the worker stops it.
const swallowsInterrupt = 'def softmax(xs):\n    while True:\n        try:\n            while True:\n                pass\n        except BaseException:\n            pass\n';

// Loading Pyodide on a busy 2-core machine can take a while: wait for conditions, generously.
const SLOW = 120_000;

const db = useTestDatabase();
let app: FastifyInstance;
let base: string;
let browser: Browser;

beforeAll(async () => {
  app = await buildTestApp(db, {
    setup: (a) => {
      a.addHook('onSend', async (_request, reply) => {
        reply.header('content-security-policy', STRICT_CSP);
      });
      addProblemPage(a, '/t/problem', () => ({ code: starter, tests: visibleTests }));
      addProblemPage(a, '/t/problem-isolated', () => ({ code: starter, tests: visibleTests }), true);
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  // The policy covers the worker script too (a worker runs under its own response's CSP), so Pyodide is tested
  // with 'wasm-unsafe-eval' and without 'unsafe-eval'.
  expect((await fetch(`${base}/assets/py-worker.js`)).headers.get('content-security-policy')).toBe(STRICT_CSP);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  errors: string[];
  /** Every URL the page and its worker requested, with the response's content-encoding. */
  requests: { url: string; encoding: string | undefined }[];
}

async function open(path: string): Promise<Opened> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: Opened['requests'] = [];
  context.on('response', (r) => requests.push({ url: r.url(), encoding: r.headers()['content-encoding'] }));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // The browser's automatic /favicon.ico request is not ours to judge.
    if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`${m.text()} (${m.location().url})`);
  });
  await page.goto(base + path);
  await page.locator('.cm-content').waitFor();
  // Record each state Python goes through, as the status line showed it.
  await page.evaluate(() => {
    const w = window as unknown as { phases: string[] };
    w.phases = [];
    const status = document.querySelector('[data-run-status]')!;
    new MutationObserver(() => {
      const p = status.getAttribute('data-python');
      if (p && w.phases.at(-1) !== p) w.phases.push(p);
    }).observe(status, { attributes: true, attributeFilter: ['data-python'] });
  });
  return { context, page, errors, requests };
}

const textareaValue = (page: Page): Promise<string> => page.$eval('textarea[name="code"]', (t) => (t as HTMLTextAreaElement).value);
const status = (page: Page, attr: string): Promise<string | null> => page.locator('[data-run-status]').getAttribute(attr);

/** Replaces the editor's text the way a user pasting a solution would (typing is covered in client-editor.test.ts). */
async function setCode(page: Page, code: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.locator('.cm-content').evaluate((el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, code);
  await expect.poll(() => textareaValue(page)).toBe(code);
}

interface Row {
  name: string;
  status: string;
  badge: string;
  message: string;
  expected: string | null;
  actual: string | null;
  stdout: string | null;
}

async function rows(page: Page): Promise<Row[]> {
  return page.$$eval('[data-run-results] li.test-result', (lis) =>
    lis.map((li) => {
      const dd = (label: string): string | null => {
        const dt = Array.from(li.querySelectorAll('dt')).find((d) => d.textContent === label);
        return dt?.nextElementSibling?.textContent ?? null;
      };
      return {
        name: li.querySelector('.test-name')?.textContent ?? '',
        status: li.getAttribute('data-status') ?? '',
        badge: li.querySelector('.badge')?.textContent ?? '',
        message: li.querySelector('.test-message')?.textContent ?? '',
        expected: dd('Expected'),
        actual: dd('Actual'),
        stdout: li.querySelector('.test-stdout pre')?.textContent ?? null,
      };
    }),
  );
}

async function run(page: Page): Promise<Row[]> {
  await page.getByRole('button', { name: 'Run visible tests' }).click();
  await page.locator('[data-run-status][data-run="done"]').waitFor({ timeout: SLOW });
  return rows(page);
}

describe('without cross-origin isolation (the worker is restarted after a timeout)', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open('/t/problem');
  });
  afterAll(() => o?.context.close());

  it('loads Python with visible progress, and a correct solution passes the visible tests', { timeout: 2 * SLOW }, async () => {
    const { page } = o;
    await page.getByRole('button', { name: 'Run visible tests' }).waitFor({ state: 'visible' });

    const starterRows = await run(page);
    expect(starterRows.map((r) => r.name)).toEqual(testNames);
    expect(starterRows.every((r) => r.status === 'error' && r.message.includes('NotImplementedError'))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { phases: string[] }).phases)).toEqual(['downloading', 'starting', 'ready']);
    expect(await status(page, 'data-mode')).toBe('restart');
    // Everything came from our origin (no CDN), and the wasm travelled precompressed.
    expect(o.requests.filter((r) => !r.url.startsWith(`${base}/`))).toEqual([]);
    expect(o.requests.find((r) => r.url === `${base}/assets/pyodide/pyodide.asm.wasm`)?.encoding).toMatch(/^(br|gzip)$/);
    console.log(`[client-runner] Pyodide first load in the browser: ${await status(page, 'data-load-ms')} ms`);

    await setCode(page, solution);
    const passing = await run(page);
    expect(passing.map((r) => [r.name, r.status, r.badge])).toEqual(testNames.map((n) => [n, 'pass', 'Passed']));
    expect(await page.locator('[data-run-status]').textContent()).toContain(`All ${testNames.length} visible tests passed.`);
    expect(await page.title()).toBe('Problem');
    expect(o.errors).toEqual([]);
  });

  it('Run and the server grade agree case by case on the visible cases (starter, reference, a wrong solution)', { timeout: 4 * SLOW }, async () => {
    const { page } = o;
    const pool = createGraderPool({ size: 1, timeLimitMs: 30_000, logger: { info() {}, warn() {} } });
    try {
      for (const code of [starter, solution, wrongSolution]) {
        await setCode(page, code);
        const browser = (await run(page)).map((r) => [r.name, r.status, r.message, r.expected ?? undefined, r.actual ?? undefined]);
        const server = (await pool.grade({ code, cases: visibleTests })).tests.map((t) => [t.name, t.status, t.message, t.expected, t.actual]);
        expect(browser).toEqual(server);
      }
    } finally {
      await pool.close();
    }
  });

  it('a wrong solution shows expected vs actual, errors and the captured output', { timeout: SLOW }, async () => {
    const { page } = o;
    await setCode(page, wrongSolution);
    const byName = new Map((await run(page)).map((r) => [r.name, r]));
    const example = byName.get('softmax_small_example')!;
    expect(example.status).toBe('fail');
    expect(example.badge).toBe('Failed');
    expect(example.expected).toContain('0.09003057317038046');
    expect(example.actual).toContain('0.3333333333333333');
    expect(example.stdout).toContain('softmax called with [1.0, 2.0, 3.0]');
    const overflow = byName.get('logsumexp_does_not_overflow')!;
    expect(overflow.status).toBe('error');
    expect(overflow.message).toContain('OverflowError');
    expect(await page.locator('[data-run-status]').textContent()).toMatch(/\d of 5 visible tests passed\./);
  });

  it('stops an infinite loop after 5 s, stays responsive, and the next Run works', { timeout: 2 * SLOW }, async () => {
    const { page } = o;
    await setCode(page, infiniteLoop);
    // Each edit that reaches the textarea notes whether a run was in progress at that moment.
    await page.evaluate(() => {
      const w = window as unknown as { editsDuringRun: string[] };
      w.editsDuringRun = [];
      document.querySelector('textarea[name="code"]')!.addEventListener('input', () => {
        w.editsDuringRun.push(document.querySelector('[data-run-status]')!.getAttribute('data-run') ?? '');
      });
    });
    await page.getByRole('button', { name: 'Run visible tests' }).click();
    await page.locator('[data-run-results] li[data-status="running"]').waitFor({ timeout: SLOW });
    // Python is spinning in the worker; the page still takes typing, and the editor still syncs the textarea.
    await page.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('# typed while the loop ran');
    expect(await textareaValue(page)).toContain('# typed while the loop ran');
    expect(await page.evaluate(() => (window as unknown as { editsDuringRun: string[] }).editsDuringRun)).toContain('running');

    await page.locator('[data-run-status][data-run="done"]').waitFor({ timeout: SLOW });
    const stopped = await rows(page);
    expect(stopped[0]).toMatchObject({ name: 'softmax_small_example', status: 'timeout', badge: 'Timed out', message: 'timed out after 5 s' });
    expect(stopped.slice(1).every((r) => r.status === 'not-run')).toBe(true);
    expect(await page.locator('[data-run-status]').textContent()).toContain('timed out after 5 s');
    expect(await status(page, 'data-loads')).toBe('2');

    await setCode(page, solution);
    const after = await run(page);
    expect(after.map((r) => r.status)).toEqual(testNames.map(() => 'pass'));
    expect(o.errors).toEqual([]);
  });
});

describe('cross-origin isolated page (interrupt buffer)', () => {
  let o: Opened;
  beforeAll(async () => {
    o = await open('/t/problem-isolated');
  });
  afterAll(() => o?.context.close());

  it('interrupts a runaway loop and keeps the same interpreter', { timeout: 2 * SLOW }, async () => {
    const { page } = o;
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await setCode(page, infiniteLoop);
    const stopped = await run(page);
    expect(await status(page, 'data-mode')).toBe('interrupt');
    expect(stopped[0]).toMatchObject({ status: 'timeout', message: 'timed out after 5 s' });

    await setCode(page, solution);
    expect((await run(page)).map((r) => r.status)).toEqual(testNames.map(() => 'pass'));
    expect(await status(page, 'data-loads')).toBe('1');
    expect(o.errors).toEqual([]);
  });

  it('terminates the worker when the code swallows the interrupt, then runs again', { timeout: 2 * SLOW }, async () => {
    const { page } = o;
    await setCode(page, swallowsInterrupt);
    const stopped = await run(page);
    expect(stopped[0]).toMatchObject({ status: 'timeout', message: 'timed out after 5 s' });
    expect(await status(page, 'data-loads')).toBe('2');

    await setCode(page, solution);
    expect((await run(page)).map((r) => r.status)).toEqual(testNames.map(() => 'pass'));
    expect(o.errors).toEqual([]);
  });
});
