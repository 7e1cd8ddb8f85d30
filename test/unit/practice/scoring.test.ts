import { describe, expect, it } from 'vitest';
import { BankError, contentHash, readBank, statementBody } from '../../../src/practice/bank.js';
import { buildCatalog, listQuerySchema } from '../../../src/practice/catalog.js';
import { findObviousIssues, offlineCodeReview } from '../../../src/practice/offline-review.js';
import { parseModelRubric } from '../../../src/practice/review.js';
import { checkNumeric, parseNumericAnswer, scoreRubricOffline } from '../../../src/practice/scoring.js';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('numeric answers', () => {
  it('reads decimals, scientific notation, fractions and percentages', () => {
    expect(parseNumericAnswer('4.4722')).toBe(4.4722);
    expect(parseNumericAnswer(' -1e-3 ')).toBe(-0.001);
    expect(parseNumericAnswer('161/36')).toBeCloseTo(4.47222, 5);
    expect(parseNumericAnswer('12.5%')).toBe(0.125);
    expect(parseNumericAnswer('.5')).toBe(0.5);
  });

  it('refuses what is not a number', () => {
    for (const bad of ['', 'four', '1/0', '1,5', '0x10', 'Infinity', '1e999']) expect(parseNumericAnswer(bad), bad).toBeUndefined();
  });

  it('accepts answers within the tolerance, inclusive, and nothing beyond', () => {
    expect(checkNumeric(4.473, 4.472222, 0.001).correct).toBe(true);
    expect(checkNumeric(4.474, 4.472222, 0.001).correct).toBe(false);
    expect(checkNumeric(0.3, 0.2, 0.1).correct).toBe(true);
  });
});

describe('rubric estimate', () => {
  const rubric = [
    { point: 'Separate online and offline stores', keywords: ['offline', 'online'] },
    { point: 'Point-in-time joins', keywords: ['point-in-time', 'leakage'] },
  ];
  it('covers a point when any keyword appears, case-insensitively, and says which', () => {
    const s = scoreRubricOffline('We keep an OFFLINE warehouse.', rubric, 'Design a feature store.');
    expect(s.points.map((p) => [p.covered, p.matched])).toEqual([
      [true, ['offline']],
      [false, []],
    ]);
    expect(s).toMatchObject({ covered: 1, total: 2, score: 0.5, estimate: true, source: 'offline' });
  });

  it('does not count a keyword the prompt already contains', () => {
    // "online" is in the question, so repeating it proves nothing; "offline" is not, so it still counts.
    const prompt = 'Design an online feature store that avoids leakage.';
    const echo = scoreRubricOffline('An online store; no leakage.', rubric, prompt);
    expect(echo.points.map((p) => p.covered)).toEqual([false, false]);
    const own = scoreRubricOffline('An online store with an offline copy.', rubric, prompt);
    expect(own.points[0]).toMatchObject({ covered: true, matched: ['offline'] });
  });

  it('reads a model verdict only in the shape asked for', () => {
    expect(parseModelRubric('Sure! {"points":[{"covered":true},{"covered":false,"comment":"no"}],"feedback":"ok"}', 2)!.points).toHaveLength(2);
    expect(parseModelRubric('{"points":[{"covered":true}]}', 2)).toBeUndefined();
    expect(parseModelRubric('{"points":[{"covered":"yes"},{"covered":true}]}', 2)).toBeUndefined();
    expect(parseModelRubric('no json here', 2)).toBeUndefined();
  });
});

describe('offline review', () => {
  it('flags obvious issues with their line numbers', () => {
    const code = 'def f(x, acc=[]):\n    print(x)\n    try:\n        return 1 / x\n    except:\n        raise NotImplementedError\n';
    const lines = findObviousIssues(code).map((f) => f.line);
    expect(lines).toEqual([1, 2, 5, 6]);
    expect(findObviousIssues('def f(x):\n    return x\n')).toEqual([]);
  });

  it('lists failing tests with expected and actual, and says hidden-only failures are edge cases', () => {
    const text = offlineCodeReview({ writeup: '' }, 'def f(x):\n    return x\n', {
      status: 'failed',
      tests: [
        { name: 'test_small', suite: 'visible', status: 'pass', message: '' },
        { name: 'test_empty', suite: 'hidden', status: 'fail', message: 'values differ', expected: '[]', actual: 'None' },
      ],
    });
    expect(text).toContain('1 of 2 tests pass');
    expect(text).toContain('**test_empty** (hidden): fail');
    expect(text).toContain('expected `[]`, got `None`');
    expect(text).toMatch(/visible tests pass but hidden ones fail/);
  });

  it('offers the write-up\'s follow-up questions only after a pass, without their answers', () => {
    const writeup = '**Follow-ups an interviewer might ask.**\n- Why fuse the ops? (Because of stability.)\n- What is the Jacobian?\n';
    const grade = { status: 'passed' as const, tests: [{ name: 't', status: 'pass' as const, message: '' }] };
    const passed = offlineCodeReview({ writeup }, 'x = 1\n', grade);
    expect(passed).toContain('- Why fuse the ops?');
    expect(passed).not.toContain('Because of stability');
    expect(offlineCodeReview({ writeup }, 'x = 1\n', { ...grade, status: 'failed' })).not.toContain('Why fuse');
  });
});

describe('bank', () => {
  it('hashes content deterministically, and any change makes a new version', () => {
    const bank = readBank();
    const p = bank.problems[0]!;
    const { hash, statementBody: _s, ...content } = p;
    expect(contentHash(content)).toBe(hash);
    expect(contentHash({ ...content, statement: `${content.statement} ` })).not.toBe(hash);
    expect(statementBody('# Title\n\nBody')).toBe('Body');
  });

  it('reports every invalid folder at once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bank-'));
    mkdirSync(join(dir, 'Bad_Name'));
    writeFileSync(join(dir, 'Bad_Name', 'problem.json'), '{"title":"x"}');
    mkdirSync(join(dir, 'no-json'));
    try {
      readBank(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BankError);
      const problems = (err as BankError).problems.join('\n');
      expect(problems).toMatch(/Bad_Name: folder name must be kebab-case/);
      expect(problems).toMatch(/no-json: problem.json/);
    }
  });
});

describe('catalog filters', () => {
  const bank = readBank();
  it('combines filters, and status comes from the user\'s attempts', () => {
    const solved = bank.problems[0]!;
    const tried = bank.problems[1]!;
    const stats = [
      { slug: solved.slug, attempts: 2, solved: true, revealed: true },
      { slug: tried.slug, attempts: 1, solved: false, revealed: false },
    ];
    const c = (q: Record<string, string>) => buildCatalog(bank, stats, listQuerySchema.parse(q));
    expect(c({ status: 'solved' }).rows.map((r) => r.problem.slug)).toEqual([solved.slug]);
    expect(c({ status: 'attempted' }).rows.map((r) => r.problem.slug)).toEqual([tried.slug]);
    expect(c({ status: 'new' }).rows).toHaveLength(bank.problems.length - 2);
    expect(c({}).solved).toBe(1);
    expect(c({ topic: solved.topic, status: 'solved' }).filtered).toBe(true);
    expect(c({ topic: '', q: '  ' }).filtered).toBe(false);
  });
});
