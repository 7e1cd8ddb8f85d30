/**
 * Paired comparison of two runs on the items both graded: the difference in score with its paired standard error,
 * an exact McNemar p-value on each item's first sample, per-topic deltas, and the items one run passed and the
 * other failed. Pure: it takes item rows and returns numbers.
 */
import { isGraded, type ScoreRow } from './scores.js';
import { mcnemarExact, pairedDifference, type PairedDifference } from './stats.js';

interface ItemScore {
  topic: string;
  score: number;
  firstCorrect: boolean;
}

function perItem(rows: ScoreRow[]): Map<string, ItemScore> {
  const acc = new Map<string, { topic: string; c: number; n: number; first: boolean | null }>();
  for (const r of rows) {
    if (!isGraded(r.verdict)) continue;
    const e = acc.get(r.itemId) ?? { topic: r.topic, c: 0, n: 0, first: null };
    e.n++;
    if (r.verdict === 'correct') e.c++;
    if (r.sample === 0) e.first = r.verdict === 'correct';
    acc.set(r.itemId, e);
  }
  const out = new Map<string, ItemScore>();
  for (const [id, e] of acc) if (e.first !== null) out.set(id, { topic: e.topic, score: e.c / e.n, firstCorrect: e.first });
  return out;
}

export interface Comparison {
  shared: number;
  /** A − B over the shared items. */
  overall: PairedDifference | null;
  /** Items only A got right (b) and only B got right (c), on the first sample. */
  onlyA: string[];
  onlyB: string[];
  mcnemarP: number;
  byTopic: ({ topic: string } & PairedDifference)[];
}

export function compareRuns(a: ScoreRow[], b: ScoreRow[]): Comparison {
  const A = perItem(a);
  const B = perItem(b);
  const shared = [...A.keys()].filter((id) => B.has(id)).sort();
  const onlyA = shared.filter((id) => A.get(id)!.firstCorrect && !B.get(id)!.firstCorrect);
  const onlyB = shared.filter((id) => !A.get(id)!.firstCorrect && B.get(id)!.firstCorrect);
  const topics = new Map<string, [number, number][]>();
  for (const id of shared) {
    const t = A.get(id)!.topic;
    topics.set(t, [...(topics.get(t) ?? []), [A.get(id)!.score, B.get(id)!.score]]);
  }
  return {
    shared: shared.length,
    overall: pairedDifference(shared.map((id) => [A.get(id)!.score, B.get(id)!.score])),
    onlyA,
    onlyB,
    mcnemarP: mcnemarExact(onlyA.length, onlyB.length),
    byTopic: [...topics.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([topic, pairs]) => ({ topic, ...pairedDifference(pairs)! })),
  };
}
