/**
 * Reviews after grading: the LLM review of a code attempt and the rubric scoring of a written answer, each with a
 * deterministic offline fallback (see offline-review.ts) used when no model is configured, the spend cap is hit,
 * or the model's answer cannot be read.
 */
import { practiceReviewPrompt, practiceRubricPrompt } from '../llm/prompts/practice-review.js';
import type { Problem } from './bank.js';
import type { LlmPort } from './llm-port.js';
import { offlineCodeReview, offlineWrittenReview, type CodeGrade } from './offline-review.js';
import type { Review } from './queries.js';
import { scoreRubricOffline, type RubricScore } from './scoring.js';

function summariseResults(grade: CodeGrade): string {
  const lines = grade.tests.map((t) => {
    let line = `- [${t.suite ?? 'visible'}] ${t.name}: ${t.status}`;
    if (t.status !== 'pass') {
      if (t.expected !== undefined) line += ` (expected ${t.expected}, got ${t.actual ?? '?'})`;
      else if (t.message) line += ` (${t.message.split('\n').at(-1)})`;
    }
    return line;
  });
  return [`Overall: ${grade.status}${grade.note ? ` — ${grade.note}` : ''}`, ...lines].join('\n');
}

export async function reviewCode(llm: LlmPort, input: { userId: string; problem: Problem; code: string; grade: CodeGrade }): Promise<Review> {
  const { problem, code, grade } = input;
  const res = await llm.complete({
    userId: input.userId,
    feature: 'code_review',
    prompt: practiceReviewPrompt.build({ title: problem.title, statement: problem.statement, code, results: summariseResults(grade) }),
    maxOutputTokens: 900,
    offline: () => ({ text: offlineCodeReview(problem, code, grade) }),
  });
  return { text: res.text, source: res.source, ...(res.notice ? { notice: res.notice } : {}) };
}

interface ModelRubric {
  points: { covered: boolean; comment?: string }[];
  feedback?: string;
}

/** The model's JSON, if it is the shape asked for with one verdict per rubric point; undefined otherwise. */
export function parseModelRubric(text: string, expectedPoints: number): ModelRubric | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const data = JSON.parse(text.slice(start, end + 1)) as ModelRubric;
    if (!Array.isArray(data.points) || data.points.length !== expectedPoints) return undefined;
    if (!data.points.every((p) => typeof p?.covered === 'boolean')) return undefined;
    return data;
  } catch {
    return undefined;
  }
}

const OFFLINE_MARKER = '\u0000offline';

export async function scoreWritten(
  llm: LlmPort,
  input: { userId: string; problem: Problem; answer: string },
): Promise<{ score: RubricScore; review: Review }> {
  const rubric = input.problem.rubric ?? [];
  const offline = scoreRubricOffline(input.answer, rubric, `${input.problem.title}\n${input.problem.statement}`);
  const res = await llm.complete({
    userId: input.userId,
    // Scoring a written answer is a review too: it shares the code review's feature (tier and offline label).
    feature: 'code_review',
    prompt: practiceRubricPrompt.build({
      title: input.problem.title,
      statement: input.problem.statement,
      rubric: rubric.map((r) => r.point),
      answer: input.answer,
    }),
    maxOutputTokens: 900,
    // A marker rather than text: the caller renders the offline estimate itself, with its label.
    offline: () => ({ text: OFFLINE_MARKER }),
  });
  const parsed = res.source === 'llm' ? parseModelRubric(res.text, rubric.length) : undefined;
  if (!parsed) {
    const notice =
      res.source === 'llm' ? 'The model’s scoring could not be read, so this is the offline estimate.' : res.notice;
    return { score: offline, review: { text: offlineWrittenReview(offline), source: 'offline', ...(notice ? { notice } : {}) } };
  }
  const points = rubric.map((r, i) => {
    const verdict = parsed.points[i]!;
    const matched = offline.points[i]?.matched ?? [];
    return { point: r.point, covered: verdict.covered, matched, ...(verdict.comment ? { comment: String(verdict.comment) } : {}) };
  });
  const covered = points.filter((p) => p.covered).length;
  const score: RubricScore = { points, covered, total: rubric.length, score: rubric.length ? covered / rubric.length : 0, estimate: false, source: 'llm' };
  const text = [
    `**Score:** ${covered} of ${rubric.length} rubric points covered.`,
    '',
    ...points.map((p) => `- ${p.covered ? '✓' : '✗'} ${p.point}${p.comment ? ` — ${p.comment}` : ''}`),
    ...(parsed.feedback ? ['', String(parsed.feedback)] : []),
  ].join('\n');
  return { score, review: { text, source: 'llm' } };
}
