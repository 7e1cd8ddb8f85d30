/**
 * Turning one model reply into a verdict. Numeric answers are compared here; code is handed to the CodeGradingPort,
 * which runs it in the sandbox and returns plain data (tests passed of total). This module decides the verdict
 * from that data: nothing the model's code prints can make it say `correct` (docs/grading-sandbox.md).
 */
import type { TestCase } from '../practice/judge.js';
import type { BenchItem } from './dataset.js';
import { stripThinking } from '../llm/providers/reasoning.js';
import { extractChoice, extractCode, extractNumber, numbersMatch, parseNumber, type Extraction } from './extract.js';
import { estimatedGrade } from './judge.js';
import { choiceLetters } from './prompts.js';

/** Verdicts of graded (or failed) items; what a run's counts and accuracy are made of. */
export const JUDGED_VERDICTS = ['correct', 'incorrect', 'no_answer', 'truncated', 'error'] as const;
export type JudgedVerdict = (typeof JUDGED_VERDICTS)[number];
/** Plus `estimated`: a written answer scored offline by keyword coverage, which is no verdict (judge.ts). */
export const VERDICTS = [...JUDGED_VERDICTS, 'estimated'] as const;
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
  /** For an `error` that grading itself hit (the judge failed or replied malformed): its kind and message. */
  error?: { kind: string; message: string };
  /** What grading cost (a judge's call), added to the run's spend. */
  extraSpend?: { usd: number | null; tokens: number };
}

/** Stop reasons that mean "the output budget ran out" (Anthropic: max_tokens; OpenAI-style: length). */
export function isTruncated(stopReason: string | null): boolean {
  return stopReason === 'max_tokens' || stopReason === 'length';
}

const NO_ANSWER: Graded = { verdict: 'no_answer', extracted: null, extraction: 'none', graderOutput: null };

/**
 * `judge` scores a written answer (a judge model's call, made by the executor with its retries and the daily cap);
 * without one, written answers get the offline keyword estimate.
 */
export async function gradeReply(
  item: BenchItem,
  text: string,
  stopReason: string | null,
  code: CodeGradingPort,
  judge?: (answer: string) => Promise<Graded>,
): Promise<Graded> {
  if (item.kind === 'choice') return gradeChoice(item, text, stopReason);
  if (item.kind === 'written') {
    const answer = stripThinking(text);
    if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: answer || null, extraction: answer ? 'whole_text' : 'none', graderOutput: null };
    if (!answer) return NO_ANSWER;
    return judge ? judge(answer) : estimatedGrade(item, answer);
  }
  if (item.kind === 'numeric') {
    const got = extractNumber(text);
    if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: got.value, extraction: got.how, graderOutput: null };
    const value = got.value === null ? null : parseNumber(got.value);
    if (value === null) return NO_ANSWER;
    const ok = numbersMatch(value, item.answer!, item.tolerance!);
    return { verdict: ok ? 'correct' : 'incorrect', extracted: got.value, extraction: got.how, graderOutput: { expected: item.answer, tolerance: item.tolerance, got: value } };
  }
  const program = extractCode(text);
  if (isTruncated(stopReason)) return { verdict: 'truncated', extracted: program.value, extraction: program.how, graderOutput: null };
  if (program.value === null) return NO_ANSWER;
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
