/**
 * Written items: a judge model scores the answer against the item's rubric, or, with no judge, the offline keyword
 * estimate stands in. The two never mix: a judged answer gets `correct` / `incorrect` (covered share against
 * WRITTEN_PASS_SHARE, as practice uses), an estimated one gets `estimated`, counted and scored on its own line.
 *
 * The judge's reply is untrusted text: it is parsed and checked with zod (one boolean per rubric point, in order).
 * Anything else is a JudgeMalformedError, which the run records as `error`: a reply we cannot read is no score.
 */
import { z } from 'zod';
import { scoreRubricOffline, WRITTEN_PASS_SHARE } from '../practice/scoring.js';
import type { BenchItem } from './dataset.js';
import type { Graded } from './grade.js';

export interface JudgeSpec {
  provider: string;
  model: string;
}

export class JudgeMalformedError extends Error {
  constructor(message: string, readonly reply: string) {
    super(message);
    this.name = 'JudgeMalformedError';
  }
}

const judgeReply = (points: number) =>
  z
    .object({
      points: z
        .array(z.object({ covered: z.boolean(), comment: z.string().max(2000).optional() }))
        .length(points, `expected one verdict per rubric point (${points})`),
    })
    .strip();

export type JudgeVerdicts = z.infer<ReturnType<typeof judgeReply>>;

/** The judge's JSON: the reply whole, or inside one code fence. Throws JudgeMalformedError with the reason. */
export function parseJudgeReply(reply: string, points: number): JudgeVerdicts {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n```\s*$/.exec(reply);
  const text = (fenced ? fenced[1]! : reply).trim();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new JudgeMalformedError('the judge did not reply with JSON', reply);
  }
  const parsed = judgeReply(points).safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new JudgeMalformedError(`the judge's JSON is not the shape asked for (${issue.path.join('.') || 'reply'}: ${issue.message})`, reply);
  }
  return parsed.data;
}

/** What the judge decided about one answer, as the verdict and the row's grader output. */
export function judgedGrade(item: BenchItem, answer: string, verdicts: JudgeVerdicts, judge: JudgeSpec & { answeredBy: string; promptId: string; promptVersion: string }): Graded {
  const rubric = item.rubric ?? [];
  const covered = verdicts.points.filter((p) => p.covered).length;
  const score = rubric.length ? covered / rubric.length : 0;
  return {
    verdict: score >= WRITTEN_PASS_SHARE ? 'correct' : 'incorrect',
    extracted: answer,
    extraction: 'whole_text',
    graderOutput: {
      judged: true,
      judge,
      covered,
      total: rubric.length,
      score,
      passShare: WRITTEN_PASS_SHARE,
      points: rubric.map((r, i) => ({ point: r.point, covered: verdicts.points[i]!.covered, ...(verdicts.points[i]!.comment ? { comment: verdicts.points[i]!.comment } : {}) })),
    },
  };
}

/** With no judge: keyword coverage, labelled an estimate in the row itself. */
export function estimatedGrade(item: BenchItem, answer: string): Graded {
  const s = scoreRubricOffline(answer, item.rubric ?? [], `${item.title}\n${item.statement}`);
  return {
    verdict: 'estimated',
    extracted: answer,
    extraction: 'whole_text',
    graderOutput: {
      estimate: true,
      method: 'keyword coverage (not a judgement of quality)',
      covered: s.covered,
      total: s.total,
      score: s.score,
      points: s.points.map((p) => ({ point: p.point, mentioned: p.covered, matched: p.matched })),
    },
  };
}
