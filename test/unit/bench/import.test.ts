/** Reading imported datasets: every bad line named with its field, the limits quoted, test code read as data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS, readDataset } from '../../../src/bench/import.js';
import { parseTestCode } from '../../../src/bench/py-tests.js';
import { projectRoot } from '../../../src/paths.js';

const sample = (file: string) => readFileSync(join(projectRoot, 'docs/datasets', file), 'utf8');

describe('readDataset', () => {
  it('reads the shipped samples, one item a line, with a hash that only the content changes', () => {
    const choice = readDataset('choice', sample('arithmetic-choice.jsonl'), 'arith');
    const numeric = readDataset('numeric', sample('word-problems-numeric.jsonl'), 'wp');
    const code = readDataset('code', sample('python-functions-code.jsonl'), 'fns');
    if (!choice.ok || !numeric.ok || !code.ok) throw new Error('a shipped sample does not import');
    expect(choice.items.map((i) => [i.id, i.kind, i.choice])).toEqual([['mc-1', 'choice', 'B'], ['mc-2', 'choice', 'C'], ['mc-3', 'choice', 'A'], ['mc-4', 'choice', 'C'], ['mc-5', 'choice', 'C']]);
    expect(numeric.items[1]).toMatchObject({ id: 'wp-2', kind: 'numeric', answer: 54, tolerance: 0 });
    expect(numeric.items[2]).toMatchObject({ answer: 0.75, tolerance: 0.001 });
    expect(code.items[0]).toMatchObject({ id: 'fn-clamp', kind: 'code', starter: expect.stringContaining('def clamp') });
    expect(code.items[0]!.cases).toHaveLength(4);
    const again = readDataset('choice', '\n' + sample('arithmetic-choice.jsonl') + '\n\n', 'arith');
    expect(again.ok && again.hash).toBe(choice.hash);
    const changed = readDataset('choice', sample('arithmetic-choice.jsonl').replace('"54"', '"55"'), 'arith');
    expect(changed.ok && changed.hash).not.toBe(choice.hash);
  });

  it('lists every bad line with its number and field, and returns no item', () => {
    const text = [
      '{"question": "ok", "options": ["a", "b"], "answer": "A"}',
      '{"question": "", "options": ["a", "b"], "answer": "A"}',
      'not json',
      '',
      '{"question": "q", "options": ["a"], "answer": "Q"}',
      '{"id": "x", "question": "q", "options": ["a", "b"], "answer": "B", "extra": 1}',
      '{"id": "x", "question": "q2", "options": ["a", "b"], "answer": "C"}',
      '{"id": "x", "question": "q3", "options": ["a", "b"], "answer": "A"}',
    ].join('\n');
    const r = readDataset('choice', text, 'd');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([[2, 'question'], [3, '(line)'], [5, 'options'], [5, 'answer'], [6, '(line)'], [7, 'id'], [7, 'answer'], [8, 'id']]);
    expect(r.errors.find((e) => e.line === 7 && e.field === 'answer')!.message).toMatch(/names no option/);
    expect(r.errors.find((e) => e.line === 8)!.message).toBe('"x" is already the id of line 6');
    expect(r.message).toBe('6 of 7 lines are not valid choice items; nothing was imported');
  });

  it('numeric answers may be strings holding a number; anything else is named', () => {
    const r = readDataset('numeric', '{"question": "q", "answer": "1,234"}\n{"question": "q", "answer": "many"}\n{"question": "q", "answer": 1, "tolerance": -1}', 'd');
    expect(!r.ok && r.errors.map((e) => [e.line, e.field])).toEqual([[2, 'answer'], [3, 'tolerance']]);
  });

  it('refuses a file over the size or line limit, quoting the limit', () => {
    const line = '{"question": "q", "answer": 1}\n';
    const tooMany = readDataset('numeric', line.repeat(IMPORT_LIMITS.maxLines + 1), 'd');
    expect(!tooMany.ok && tooMany.message).toBe(`the file has 5,001 lines; the limit is 5,000 lines`);
    const tooBig = readDataset('numeric', `{"question": "${'x'.repeat(IMPORT_LIMITS.maxBytes)}", "answer": 1}`, 'd');
    expect(!tooBig.ok && tooBig.message).toMatch(/^the file is 2,097,18\d bytes; the limit is 2,097,152 bytes \(2 MB\)$/);
  });

  it('names the test line a code item cannot accept', () => {
    const r = readDataset('code', JSON.stringify({ prompt: 'def f(x):\n', entry_point: 'f', test: 'assert f(1) == 2\nimport os\n' }), 'd');
    expect(!r.ok && r.errors).toEqual([{ line: 1, field: 'test', message: expect.stringMatching(/^test line 2: "import" starts a statement that is not accepted/) }]);
  });
});

describe('parseTestCode', () => {
  it('reads HumanEval-style checks into the steps and expected values the judge compares', () => {
    const cases = parseTestCode(
      [
        'METADATA = {"author": "x"}',
        'def check(candidate):',
        '    # comment',
        '    assert candidate([1, 2], k=(3, 4)) == (1, [2.0, None]), "msg"',
        '    assert abs(candidate(1.5) - 0.25) < 1e-6',
        '    assert not candidate("a\\nb")',
        '    assert {"a": True} == candidate(',
        '        -2, 10**0 if False else 1)',
      ].slice(0, 7).join('\n') + '\n        -2)\n',
      'f',
    );
    expect(cases).toEqual([
      { name: 'test 1 (line 4)', visible: true, steps: [{ call: 'f', args: [[1, 2]], kwargs: { k: { $tuple: [3, 4] } } }], expected: [[1, [2, null]]] },
      { name: 'test 2 (line 5)', visible: true, steps: [{ call: 'f', args: [{ $float: '1.5' }] }], expected: [0.25], tol: { rel: 0, abs: 1e-6 } },
      { name: 'test 3 (line 6)', visible: true, steps: [{ call: 'f', args: ['a\nb'] }], expected: [false] },
      { name: 'test 4 (line 7)', visible: true, steps: [{ call: 'f', args: [-2] }], expected: [{ a: true }] },
    ]);
  });

  it('refuses what it would have to run beside the model code, naming the line', () => {
    expect(() => parseTestCode('assert f(1) == 1\nassert f(x) == 2\n', 'f')).toThrow(/^test line 2: "x" is not a literal value/);
    expect(() => parseTestCode('assert g(1) == 1\n', 'f')).toThrow(/^test line 1: expected a call of f/);
    expect(() => parseTestCode('assert f({1, 2}) == 1\n', 'f')).toThrow(/sets are not accepted/);
    expect(() => parseTestCode('# nothing\n', 'f')).toThrow(/no assertion about f/);
    expect(() => parseTestCode('for i in range(3):\n    assert f(i) == i\n', 'f')).toThrow(/^test line 1: "for" starts a statement/);
  });
});
