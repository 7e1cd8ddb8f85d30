import { describe, expect, it } from 'vitest';
import { answerText, stripThinking, splitAnswer } from '../../../src/llm/providers/reasoning.js';

describe('stripThinking', () => {
  it.each([
    ['<think>a\nb</think>\nAnswer', 'Answer'],
    ['<THINK>x</THINK>A <think>y</think>B', 'A B'],
    ['opened by the template</think> answer', 'answer'],
    ['answer <think>cut off mid-thought', 'answer'],
    ['no thinking at all', 'no thinking at all'],
    ['<think>only thinking</think>', ''],
  ])('%j -> %j', (input, expected) => {
    expect(stripThinking(input)).toBe(expected);
  });
});

describe('answerText', () => {
  it('prefers content, then reasoning_content, then reasoning', () => {
    expect(answerText({ content: 'c', reasoning: 'r' })).toBe('c');
    expect(answerText({ content: null, reasoning_content: 'rc', reasoning: 'r' })).toBe('rc');
    expect(answerText({ content: '', reasoning: 'r' })).toBe('r');
    expect(answerText({ content: '<think>all thinking</think>', reasoning: 'r' })).toBe('r');
  });

  it('an empty answer is an empty string; no text anywhere is null (a bad response)', () => {
    expect(answerText({ content: '' })).toBe('');
    expect(answerText({ content: null })).toBeNull();
    expect(answerText({})).toBeNull();
  });
});

describe('splitAnswer (what a benchmark grades)', () => {
  it('never falls back to the reasoning field: an answer only there is no answer, and the reasoning is kept apart', () => {
    expect(splitAnswer({ content: null, reasoning_content: 'Answer: 42' })).toEqual({ answer: '', reasoning: 'Answer: 42' });
    expect(splitAnswer({ content: '<think>maybe 41</think>Answer: 42', reasoning: 'long thought' })).toEqual({ answer: 'Answer: 42', reasoning: 'long thought' });
    expect(splitAnswer({ content: 'Answer: 42' })).toEqual({ answer: 'Answer: 42' });
  });
});
