/**
 * The bank check: every folder is valid, the bank has the kinds the product promises, and every code problem's
 * cases hold up, graded by the real sandboxed grader pool (the same one the worker uses): the reference solution
 * passes every case, the starter fails at least one visible case, and every kept mutant (mutants/*.json: plausible
 * wrong solutions, as edits to solution.py) fails at least one hidden case. cases.json is rebuilt from cases.py and
 * must match the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import { buildCases, formatCases, trustedInterpreter } from '../../../dist/src/practice/bank-cases.js';
import { readBank } from '../../../src/practice/bank.js';
import { readMutants } from '../../../src/practice/mutants.js';

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

  it('every cases.json is what cases.py and solution.py build today', async () => {
    const py = await trustedInterpreter();
    for (const p of code) {
      const built = formatCases(buildCases(py, join(bank.dir, p.slug), p.slug));
      expect(readFileSync(join(bank.dir, p.slug, 'cases.json'), 'utf8'), `${p.slug}: run npm run bank:cases`).toBe(built);
    }
  }, 300_000);

  describe('code problems through the grader', () => {
    let pool: ReturnType<typeof createGraderPool>;
    beforeAll(async () => {
      // Whether a solution passes is under test here, not how fast: a limit no reference solution meets only on a
      // machine so loaded that it is the test's own timeout (not this limit) that should end a hang.
      pool = createGraderPool({ size: 2, timeLimitMs: 120_000, logger: quiet });
      await pool.whenWarm();
    }, 120_000);
    afterAll(async () => {
      await pool?.close();
    });

    it.each(code.map((p) => [p.slug, p] as const))('%s: the reference passes, the starter and every mutant fail', async (slug, p) => {
      const cases = p.cases!;
      const solution = await pool.grade({ code: p.solution!, cases });
      const failures = solution.tests.filter((t) => t.status !== 'pass').map((t) => `${t.suite}/${t.name}: ${t.message}`);
      expect(failures).toEqual([]);
      expect(solution.status).toBe('passed');

      const visible = cases.filter((c) => c.visible);
      const starter = await pool.grade({ code: p.starter!, cases: visible });
      expect(starter.tests.some((t) => t.status !== 'pass'), `${slug}: the starter passes every visible case`).toBe(true);

      const hidden = cases.filter((c) => !c.visible);
      for (const mutant of readMutants(join(bank.dir, slug))) {
        const r = await pool.grade({ code: mutant.code, cases: hidden });
        expect(r.tests.some((t) => t.status !== 'pass'), `${slug}/mutants/${mutant.name}.json passes every hidden case`).toBe(true);
      }
    }, 600_000);
  });
});
