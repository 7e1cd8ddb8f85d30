/** Answer extraction from the shapes models actually reply in. */
import { describe, expect, it } from 'vitest';
import { extractChoice, extractCode, extractNumber, numbersMatch, parseNumber } from '../../../src/bench/extract.js';

describe('extractNumber', () => {
  it.each([
    ['The expectation is 161/36.\nAnswer: 4.4722', '4.4722', 'answer_line'],
    ['So $\\boxed{4.47}$ is it. Then 12 more words with 99.', '4.47', 'boxed'],
    ['\\boxed{\\frac{161}{36}}', '161/36', 'boxed'],
    ['<think>maybe 3 or 5</think>It comes to 4.5 in the end', '4.5', 'last_number'],
    ['steps 1 2 3 </think> Final answer: −2', '−2', 'answer_line'],
    ['**Answer:** 1,234.5', '1,234.5', 'answer_line'],
  ])('%j -> %s (%s)', (text, value, how) => {
    expect(extractNumber(text)).toEqual({ value, how });
  });
  it('no number at all is no answer, and a number only inside <think> does not count', () => {
    expect(extractNumber('I am not sure.')).toEqual({ value: null, how: 'none' });
    expect(extractNumber('<think>it is 42</think>I cannot say.')).toEqual({ value: null, how: 'none' });
  });
  it('parses and compares within tolerance', () => {
    expect(parseNumber('161/36')).toBeCloseTo(4.472222, 6);
    expect(parseNumber('1,234.5')).toBe(1234.5);
    expect(parseNumber('abc')).toBeNull();
    expect(numbersMatch(4.4722, 4.472222, 0.001)).toBe(true);
    expect(numbersMatch(4.48, 4.472222, 0.001)).toBe(false);
  });
});

describe('extractChoice', () => {
  it.each([
    ['Reasoning...\nAnswer: C', 'C'],
    ['The answer is (b).', 'B'],
    ['I pick\n**D**', 'D'],
    ['\\boxed{A}', 'A'],
  ])('%j -> %s', (text, letter) => {
    expect(extractChoice(text, 'ABCD').value).toBe(letter);
  });
  it('no letter: none', () => {
    expect(extractChoice('All of them are plausible.', 'ABCD')).toEqual({ value: null, how: 'none' });
  });
});

describe('extractCode', () => {
  it('takes the last python block, else code-looking text, else nothing', () => {
    expect(extractCode('x\n```python\ndef f():\n    return 1\n```\nthen\n```python\ndef g():\n    return 2\n```').value).toBe('def g():\n    return 2\n');
    expect(extractCode('def f(x):\n    return x')).toEqual({ value: 'def f(x):\n    return x', how: 'whole_text' });
    expect(extractCode('I would use a loop.')).toEqual({ value: null, how: 'none' });
  });
});
