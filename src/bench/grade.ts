/**
 * Turning one model reply into a verdict. Numeric answers are compared here; code is handed to the CodeGradingPort,
 * which runs it in the sandbox and returns plain data (tests passed of total). This module decides the verdict
 * from that data: nothing the model's code prints can make it say `correct` (docs/grading-sandbox.md).
 */
import type { TestCase } from '../practice/judge.js';
import type { BenchItem } from './dataset.js';
import { extractChoice, extractCode, extractNumber, numbersMatch, parseNumber, type Extraction } from './extract.js';
import { choiceLetters } from './prompts.js';

export const VERDICTS = ['correct', 'incorrect', 'no_answer', 'truncated', 'error'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** What the sandbox reports about one program: counts only, and its own status words. */
export interface CodeGradeOutcome {
  status: 'passed' | 'failed' | 'error' | 'timeout' | 'memory';
  passed: number;
  total: number;
  note?: string;
}

/**
 * The narrow port through which benchmark runs grade model-written code. Implemented today by the worker's sandboxed
 * grader pool (worker/handlers/bench-run.ts); any other sandbox that returns these counts can stand in.
 */
export interface CodeGradingPort {
  gradeCode(task: { itemId: string; cases: TestCase[] }, code: string): Promise<CodeGradeOutcome>;
}

export interface Graded {
  verdict: Verdict;
  extracted: string | null;
  extraction: Extraction;
  graderOutput: Record<string, unknown> | null;
}

/** Stop reasons that mean "the output budget ran out" (Anthropic: max_tokens; OpenAI-style: length). */
export function isTruncated(stopReason: string | null): boolean {
  return stopReason === 'max_tokens' || stopReason === 'length';
}

export async function gradeReply(item: BenchItem, text: string, stopReason: string | null, code: CodeGradingPort): Promise<Graded> {
  if (item.kind === 'choice') return gradeChoice(item, text, stopReason);
  if (item.kind === 'numeric') {
    const got = extractNumber(text);
    if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: got.value, extraction: got.how, graderOutput: null };
    const value = got.value === null ? null : parseNumber(got.value);
    if (value === null) return { verdict: 'no_answer', extracted: null, extraction: 'none', graderOutput: null };
    const ok = numbersMatch(value, item.answer!, item.tolerance!);
    return { verdict: ok ? 'correct' : 'incorrect', extracted: got.value, extraction: got.how, graderOutput: { expected: item.answer, tolerance: item.tolerance, got: value } };
  }
  const program = extractCode(text);
  if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: program.value, extraction: program.how, graderOutput: null };
  if (program.value === null) return { verdict: 'no_answer', extracted: null, extraction: 'none', graderOutput: null };
  const outcome = await code.gradeCode({ itemId: item.id, cases: item.cases ?? [] }, program.value);
  const verdict: Verdict = outcome.status === 'passed' && outcome.total > 0 && outcome.passed === outcome.total ? 'correct' : 'incorrect';
  return { verdict, extracted: program.value, extraction: program.how, graderOutput: { ...outcome } };
}

/** Multiple choice: the letter the reply settles on (extractChoice's patterns) against the item's letter. */
function gradeChoice(item: BenchItem, text: string, stopReason: string | null): Graded {
  const got = extractChoice(text, choiceLetters(item));
  if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: got.value, extraction: got.how, graderOutput: null };
  if (got.value === null) return { verdict: 'no_answer', extracted: null, extraction: 'none', graderOutput: null };
  return { verdict: got.value === item.choice ? 'correct' : 'incorrect', extracted: got.value, extraction: got.how, graderOutput: { expected: item.choice, got: got.value } };
}
