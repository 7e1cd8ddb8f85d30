/**
 * A run's scores from its item rows: counts per verdict, accuracy with its 95% interval, per topic and per kind,
 * pass@k, tokens and cost. Accuracy is over graded items: correct / (correct + incorrect + no_answer + truncated).
 * `error` rows (the provider failed, not the model) are counted but left out of the accuracy.
 */
import type { JudgedVerdict, Verdict } from './grade.js';
import { WRITTEN_PASS_SHARE } from '../practice/scoring.js';
import { accuracyInterval, meanPassAtK, type Interval } from './stats.js';

export interface ScoreRow {
  itemId: string;
  sample: number;
  topic: string;
  kind: string;
  verdict: Verdict;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  /** Read for `estimated` rows only (their keyword coverage). */
  graderOutput?: unknown;
}

export type Counts = Record<JudgedVerdict, number>;

/**
 * Written answers scored offline by keyword coverage: an estimate, kept out of the counts and the accuracy above
 * (which are judged), reported on its own line.
 */
export interface EstimateLine {
  items: number;
  /** Mean share of rubric points mentioned. */
  meanCoverage: number;
  /** How many mention at least WRITTEN_PASS_SHARE of their points. */
  atPassShare: number;
}

export interface Score {
  counts: Counts;
  graded: number;
  accuracy: Interval | null;
  estimate: EstimateLine | null;
}

export interface RunScores extends Score {
  byTopic: (Score & { topic: string })[];
  byKind: (Score & { kind: string })[];
  /** pass@k for k = 1 and every k up to the samples per item, over code items. */
  passAtK: { k: number; value: number }[];
  tokens: { input: number; output: number };
  costUsd: number;
  /** False when some row has no cost (an unpriced model): the total then counts only the priced rows. */
  costKnown: boolean;
}

const zero = (): Counts => ({ correct: 0, incorrect: 0, no_answer: 0, truncated: 0, error: 0 });

/** Counted in the accuracy: not a provider failure, and not an offline estimate. */
export function isGraded(v: Verdict): boolean {
  return v !== 'error' && v !== 'estimated';
}

function estimateOf(rows: ScoreRow[]): EstimateLine | null {
  const scores = rows.filter((r) => r.verdict === 'estimated').map((r) => Number((r.graderOutput as { score?: unknown } | null)?.score ?? 0));
  if (scores.length === 0) return null;
  return {
    items: scores.length,
    meanCoverage: scores.reduce((a, b) => a + b, 0) / scores.length,
    atPassShare: scores.filter((x) => x >= WRITTEN_PASS_SHARE).length,
  };
}

function scoreOf(all: ScoreRow[]): Score {
  const counts = zero();
  const rows = all.filter((r) => r.verdict !== 'estimated');
  const perItem = new Map<string, { correct: number; n: number }>();
  for (const r of rows) {
    counts[r.verdict as JudgedVerdict]++;
    if (!isGraded(r.verdict)) continue;
    const e = perItem.get(r.itemId) ?? { correct: 0, n: 0 };
    e.n++;
    if (r.verdict === 'correct') e.correct++;
    perItem.set(r.itemId, e);
  }
  const graded = rows.length - counts.error;
  return { counts, graded, accuracy: accuracyInterval([...perItem.values()]), estimate: estimateOf(all) };
}

function groupBy<K extends 'topic' | 'kind'>(rows: ScoreRow[], key: K): (Score & Record<K, string>)[] {
  const groups = new Map<string, ScoreRow[]>();
  for (const r of rows) groups.set(r[key], [...(groups.get(r[key]) ?? []), r]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, g]) => ({ ...scoreOf(g), [key]: name }) as Score & Record<K, string>);
}

export function scoreRun(rows: ScoreRow[], samples: number): RunScores {
  const code = new Map<string, { n: number; c: number }>();
  for (const r of rows) {
    if (r.kind !== 'code' || !isGraded(r.verdict)) continue;
    const e = code.get(r.itemId) ?? { n: 0, c: 0 };
    e.n++;
    if (r.verdict === 'correct') e.c++;
    code.set(r.itemId, e);
  }
  const ks = [...new Set([1, ...(samples > 1 ? [samples] : [])])].filter((k) => k <= samples);
  const passAtK = code.size === 0 ? [] : ks.map((k) => ({ k, value: meanPassAtK([...code.values()], k) })).filter((p): p is { k: number; value: number } => p.value !== null);
  const priced = rows.filter((r) => r.costUsd !== null).length;
  return {
    ...scoreOf(rows),
    byTopic: groupBy(rows, 'topic'),
    byKind: groupBy(rows, 'kind'),
    passAtK,
    tokens: { input: rows.reduce((s, r) => s + r.inputTokens, 0), output: rows.reduce((s, r) => s + r.outputTokens, 0) },
    costUsd: Math.round(rows.reduce((s, r) => s + (r.costUsd ?? 0), 0) * 1e6) / 1e6,
    costKnown: priced === rows.length,
  };
}
