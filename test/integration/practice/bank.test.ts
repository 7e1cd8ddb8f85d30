/**
 * The bank check: every folder is valid, the bank has the kinds the product promises, and every code problem's
 * reference solution passes its visible and hidden tests while its starter does not, graded by the real sandboxed
 * grader pool (the same one the worker uses).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import { readBank } from '../../../src/practice/bank.js';

const bank = readBank();
const code = bank.problems.filter((p) => p.kind === 'code');
const quiet = { info() {}, warn() {} };

describe('problem bank', () => {
  it('has at least 30 problems of the three kinds, each with three hints', () => {
    expect(bank.problems.length).toBeGreaterThanOrEqual(30);
    expect(code.length).toBeGreaterThanOrEqual(18);
    expect(bank.problems.filter((p) => p.kind === 'numeric').length).toBeGreaterThanOrEqual(5);
    expect(bank.problems.filter((p) => p.kind === 'written').length).toBeGreaterThanOrEqual(5);
    for (const p of bank.problems) expect(p.hints, p.slug).toHaveLength(3);
    expect(new Set(bank.problems.map((p) => p.hash)).size).toBe(bank.problems.length);
  });

  describe('code problems through the grader', () => {
    let pool: ReturnType<typeof createGraderPool>;
    beforeAll(async () => {
      pool = createGraderPool({ size: 2, timeLimitMs: 10_000, logger: quiet });
      await pool.whenWarm();
    }, 120_000);
    afterAll(async () => {
      await pool?.close();
    });

    it.each(code.map((p) => [p.slug, p] as const))('%s: the solution passes, the starter does not', async (_slug, p) => {
      const tests = [
        { name: 'visible' as const, source: p.testsVisible! },
        { name: 'hidden' as const, source: p.testsHidden! },
      ];
      const solution = await pool.grade({ code: p.solution!, tests });
      const failures = solution.tests.filter((t) => t.status !== 'pass').map((t) => `${t.suite}/${t.name}: ${t.message}`);
      expect(failures).toEqual([]);
      expect(solution.status).toBe('passed');
      expect(solution.tests.filter((t) => t.suite === 'hidden').length).toBeGreaterThan(0);

      const starter = await pool.grade({ code: p.starter!, tests: [tests[0]!] });
      expect(starter.tests.some((t) => t.status !== 'pass')).toBe(true);
    }, 60_000);
  });
});
