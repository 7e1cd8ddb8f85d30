/**
 * Deterministic checks that need no sandbox: numeric answers against their tolerance, and the offline rubric
 * estimate for written answers (keyword coverage, labelled as an estimate wherever it is shown).
 */
import type { RubricPoint } from './bank.js';

/** A written answer a model judges to cover at least this share of its rubric counts as solved. */
export const WRITTEN_PASS_SHARE = 0.6;

/** Parses what a person types for a number: 4.47, -1e-3, 161/36, 12.5%. Undefined when it is none of those. */
export function parseNumericAnswer(input: string): number | undefined {
  const s = input.trim().replace(/\s+/g, '');
  if (s === '') return undefined;
  const fraction = /^([-+]?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(s);
  if (fraction) {
    const den = Number(fraction[2]);
    return den === 0 ? undefined : Number(fraction[1]) / den;
  }
  const percent = /^([-+]?(?:\d+\.?\d*|\.\d+))%$/.exec(s);
  if (percent) return Number(percent[1]) / 100;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

export interface NumericResult {
  given: number;
  expected: number;
  tolerance: number;
  correct: boolean;
}

export function checkNumeric(given: number, expected: number, tolerance: number): NumericResult {
  // A hair of slack so an answer typed to the tolerance's own precision is not refused by float rounding.
  const correct = Math.abs(given - expected) <= tolerance * (1 + 1e-9);
  return { given, expected, tolerance, correct };
}

export interface RubricScore {
  points: { point: string; covered: boolean; matched: string[]; comment?: string }[];
  covered: number;
  total: number;
  score: number;
  /** True for the keyword estimate; false when a model scored each point. */
  estimate: boolean;
  source: 'llm' | 'offline';
}

const flatten = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ');

/**
 * Keyword coverage: a point counts as mentioned when the answer contains any of its keywords (case-insensitive).
 * A keyword the prompt itself contains (title or statement) proves nothing: copying the question would score it,
 * so it does not count. This is only an estimate of what was mentioned, never a verdict (see grading.ts).
 */
export function scoreRubricOffline(answer: string, rubric: RubricPoint[], prompt: string): RubricScore {
  const text = flatten(answer);
  const given = flatten(prompt);
  const points = rubric.map((r) => {
    const matched = r.keywords.filter((k) => !given.includes(k.toLowerCase()) && text.includes(k.toLowerCase()));
    return { point: r.point, covered: matched.length > 0, matched };
  });
  const covered = points.filter((p) => p.covered).length;
  return { points, covered, total: rubric.length, score: rubric.length ? covered / rubric.length : 0, estimate: true, source: 'offline' };
}
