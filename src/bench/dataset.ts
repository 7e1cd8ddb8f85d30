/**
 * What a benchmark evaluates: items with a stable id, a content hash and what grading needs. The problem bank is the
 * built-in dataset `bank` (its code, numeric and written problems; written answers are scored against their rubric by
 * a judge model, or estimated offline by keyword coverage). The dataset hash is over the items' ids and hashes, so any changed item changes it.
 */
import { createHash } from 'node:crypto';
import { loadBank, type Bank, type Problem, type RubricPoint } from '../practice/bank.js';
import type { TestCase } from '../practice/judge.js';

export const BENCH_KINDS = ['code', 'numeric', 'written'] as const;
export type BenchKind = (typeof BENCH_KINDS)[number];

export interface BenchItem {
  id: string;
  hash: string;
  kind: BenchKind;
  topic: string;
  difficulty: string;
  tags: string[];
  title: string;
  statement: string;
  /** numeric */
  answer?: number;
  tolerance?: number;
  /** code */
  starter?: string;
  /** The problem's test cases (inputs and the reference's outputs); only the judge sees the expected values. */
  cases?: TestCase[];
  /** written: the points a judge scores (the keywords feed only the offline estimate). */
  rubric?: RubricPoint[];
}

export interface Dataset {
  name: string;
  hash: string;
  items: BenchItem[];
}

export const BANK_DATASET = 'bank';

function fromProblem(p: Problem): BenchItem | null {
  const common = { id: p.slug, hash: p.hash, topic: p.topic, difficulty: p.difficulty, tags: p.tags, title: p.title, statement: p.statementBody ?? p.statement };
  if (p.kind === 'numeric') return { ...common, kind: 'numeric', answer: p.answer!, tolerance: p.tolerance! };
  if (p.kind === 'code') {
    return {
      ...common,
      kind: 'code',
      starter: p.starter ?? '',
      cases: p.cases ?? [],
    };
  }
  if (p.kind === 'written' && p.rubric?.length) return { ...common, kind: 'written', rubric: p.rubric };
  return null;
}

export function datasetHash(items: readonly { id: string; hash: string }[]): string {
  const canonical = [...items].sort((a, b) => (a.id < b.id ? -1 : 1)).map((i) => `${i.id}:${i.hash}`).join('\n');
  return createHash('sha256').update(canonical).digest('hex');
}

export function bankDataset(bank: Bank): Dataset {
  const items = bank.problems.map(fromProblem).filter((i): i is BenchItem => i !== null);
  return { name: BANK_DATASET, hash: datasetHash(items), items };
}

export interface ItemFilters {
  kinds?: string[];
  topics?: string[];
  difficulties?: string[];
  tags?: string[];
}

export function filterItems(items: readonly BenchItem[], f: ItemFilters): BenchItem[] {
  return items.filter(
    (i) =>
      (!f.kinds?.length || f.kinds.includes(i.kind)) &&
      (!f.topics?.length || f.topics.includes(i.topic)) &&
      (!f.difficulties?.length || f.difficulties.includes(i.difficulty)) &&
      (!f.tags?.length || f.tags.some((t) => i.tags.includes(t))),
  );
}

let bankCache: Dataset | undefined;

/** The datasets a run may name. Only the built-in bank today. */
export function findDataset(name: string): Dataset | null {
  if (name !== BANK_DATASET) return null;
  return (bankCache ??= bankDataset(loadBank()));
}

export const DATASET_NAMES = [BANK_DATASET] as const;

/** Items by id, for the worker (ExecuteDeps.resolveItems). */
export async function itemsOf(name: string): Promise<Map<string, BenchItem>> {
  return new Map((findDataset(name)?.items ?? []).map((i) => [i.id, i]));
}
