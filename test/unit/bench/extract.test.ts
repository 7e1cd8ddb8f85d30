/** Answer extraction from the shapes models actually reply in, including the tricky ones. */
import { describe, expect, it } from 'vitest';
import { extractChoice, extractCode, extractNumber, numbersMatch, parseNumber } from '../../../src/bench/extract.js';

describe('extractNumber', () => {
  it.each([
    ['The expectation is 161/36.\nAnswer: 4.4722', '4.4722', 'answer_line'],
    ['So $\\boxed{4.47}$ is it. Then 12 more words with 99.', '4.47', 'boxed'],
    ['\\boxed{\\frac{161}{36}}', '161/36', 'boxed'],
    ['$\\boxed{-\\dfrac{1}{2}}$', '-1/2', 'boxed'],
    ['\\boxed{x = 3}', '3', 'boxed'],
    ['<think>maybe 3 or 5</think>It comes to 4.5 in the end', '4.5', 'last_number'],
    ['steps 1 2 3 </think> Final answer: −2', '−2', 'answer_line'],
    ['**Answer:** 1,234.5', '1,234.5', 'answer_line'],
    // The number after the last = or ≈ on the answer line, not the first one in the formula.
    ['Answer: P = 1 - 0.9^10 ≈ 0.6513', '0.6513', 'answer_line'],
    ['So the answer is 42.', '42', 'answer_line'],
    ['Answer: $\\frac{3}{8}$', '3/8', 'answer_line'],
    ['Answer: 2.5 \\times 10^{-3}', '2.5e-3', 'answer_line'],
    ['Answer: 2.5 × 10^-3 seconds', '2.5e-3', 'answer_line'],
    // The last "Answer:" line wins; a later check that repeats numbers does not displace it.
    ['Answer: 7\nWait, recheck.\nAnswer: 8\n\nCheck: 2*4 = 8, and 3 + 5 = 8.', '8', 'answer_line'],
    // An "answer" line without a number is skipped for an earlier one that has one.
    ['Answer: 12\n\nFinal answer: see above', '12', 'answer_line'],
    ['The latency is about 120ms', '120', 'last_number'],
    ['Roughly 4.47e-1 in total', '4.47e-1', 'last_number'],
    ['Version v2 of the model scored 0.81', '0.81', 'last_number'],
  ])('%j -> %s (%s)', (text, value, how) => {
    expect(extractNumber(text)).toEqual({ value, how });
  });
  it('no number at all is no answer, and a number only inside <think> does not count', () => {
    expect(extractNumber('I am not sure.')).toEqual({ value: null, how: 'none' });
    expect(extractNumber('<think>it is 42</think>I cannot say.')).toEqual({ value: null, how: 'none' });
    // Cut off mid-thought: an unclosed block holds no answer.
    expect(extractNumber('Let me see. <think>first 3 then 4')).toEqual({ value: null, how: 'none' });
    // A bare closing tag: everything before it was thinking (the chat template opened the block).
    expect(extractNumber('it is 5 or 6</think>')).toEqual({ value: null, how: 'none' });
  });
  it('parses and compares within tolerance', () => {
    expect(parseNumber('161/36')).toBeCloseTo(4.472222, 6);
    expect(parseNumber('-1/2')).toBe(-0.5);
    expect(parseNumber('2.5e-3')).toBe(0.0025);
    expect(parseNumber('1,234.5')).toBe(1234.5);
    expect(parseNumber('1/0')).toBeNull();
    expect(parseNumber('abc')).toBeNull();
    expect(numbersMatch(4.4722, 4.472222, 0.001)).toBe(true);
    expect(numbersMatch(4.48, 4.472222, 0.001)).toBe(false);
  });
});

describe('extractChoice', () => {
  it.each([
    ['Reasoning...\nAnswer: C', 'C', 'answer_line'],
    ['The answer is (b).', 'B', 'answer_line'],
    ['The correct answer is **D**.', 'D', 'answer_line'],
    ['Answer: option B', 'B', 'answer_line'],
    ['Answer: [A]', 'A', 'answer_line'],
    ['I choose C because the others overfit.', 'C', 'answer_line'],
    ['Option D is correct: it is the only unbiased one.', 'D', 'answer_line'],
    // Two statements: the later one is the model's final word.
    ['At first the answer is A.\nOn reflection the answer is B.', 'B', 'answer_line'],
    ['<think>Answer: A?</think>\nAnswer: C', 'C', 'answer_line'],
    ['\\boxed{A}', 'A', 'boxed'],
    ['$\\boxed{\\text{(C)}}$', 'C', 'boxed'],
    ['I pick\n**D**', 'D', 'answer_line'],
    ['Hmm.\n**D**', 'D', 'letter'],
    ['Considering all four...\n(C) 0.5', 'C', 'letter'],
    ['Considering all four...\nB. It is unbiased.', 'B', 'letter'],
  ])('%j -> %s (%s)', (text, letter, how) => {
    expect(extractChoice(text, 'ABCD')).toEqual({ value: letter, how });
  });
  it.each([
    'All of them are plausible.',
    // A lower-case article or a capital starting a sentence is not a choice.
    'The answer is a function of the batch size.',
    'A lot depends on the data.',
    // A letter outside the options given.
    'Answer: E',
    // Only inside thinking.
    '<think>Answer: B</think>I do not know.',
  ])('no letter in %j', (text) => {
    expect(extractChoice(text, 'ABCD')).toEqual({ value: null, how: 'none' });
  });
});

describe('extractCode', () => {
  it('takes the last python block, else code-looking text, else nothing', () => {
    expect(extractCode('x\n```python\ndef f():\n    return 1\n```\nthen\n```python\ndef g():\n    return 2\n```').value).toBe('def g():\n    return 2\n');
    expect(extractCode('def f(x):\n    return x')).toEqual({ value: 'def f(x):\n    return x', how: 'whole_text' });
    expect(extractCode('I would use a loop.')).toEqual({ value: null, how: 'none' });
  });
});
