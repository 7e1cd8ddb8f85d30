/**
 * Every mutant in the bank (mutants/*.json: edits to solution.py) applies cleanly and differs from the solution, and
 * an edit that no longer fits the solution fails loudly instead of producing some other program.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBank } from '../../../src/practice/bank.js';
import { applyMutant, readMutants } from '../../../src/practice/mutants.js';

const bank = readBank();
const withMutants = bank.problems.filter((p) => p.kind === 'code').map((p) => ({ p, mutants: readMutants(join(bank.dir, p.slug)) }));

describe('the bank mutants', () => {
  it('are there: at least 20, each problem with mutants has at least two', () => {
    const counts = withMutants.filter((x) => x.mutants.length > 0).map((x) => x.mutants.length);
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(20);
    for (const n of counts) expect(n).toBeGreaterThanOrEqual(2);
  });

  it.each(withMutants.filter((x) => x.mutants.length > 0).map((x) => [x.p.slug, x] as const))('%s: every mutant applies and differs from the solution', (_slug, { p, mutants }) => {
    for (const m of mutants) {
      expect(m.code.startsWith(`# Mutant: ${m.why}\n`), m.name).toBe(true);
      expect(m.code.slice(m.code.indexOf('\n') + 1), m.name).not.toBe(p.solution);
    }
    expect(new Set(mutants.map((m) => m.code)).size).toBe(mutants.length);
  });
});

describe('applyMutant', () => {
  const solution = 'def f(x):\n    return x + 1\n\ndef g(x):\n    return x + 1\n';
  it('applies edits in order, each to the text so far', () => {
    const code = applyMutant('m', solution, { why: 'off by one in f', edits: [{ find: 'def f(x):\n    return x + 1', replace: 'def f(x):\n    return x + 2' }] });
    expect(code).toBe('# Mutant: off by one in f\ndef f(x):\n    return x + 2\n\ndef g(x):\n    return x + 1\n');
  });
  it('refuses an edit whose text is missing, ambiguous, or that changes nothing', () => {
    expect(() => applyMutant('gone', solution, { why: 'w', edits: [{ find: 'return x - 1', replace: 'return x' }] })).toThrow('mutant gone: edit 1 finds nothing');
    expect(() => applyMutant('twice', solution, { why: 'w', edits: [{ find: 'return x + 1', replace: 'return x' }] })).toThrow('mutant twice: edit 1 finds its text more than once');
    expect(() => applyMutant('same', solution, { why: 'w', edits: [{ find: 'def g', replace: 'def g' }] })).toThrow('mutant same: its edits leave the solution unchanged');
  });
});
