/**
 * What a benchmark evaluates: items with a stable id, a content hash and what grading needs. The problem bank is the
/**
 * What a benchmark evaluates: items with a stable id, a content hash and what grading needs. The problem bank is the
 * built-in dataset `bank` (its code, numeric and written problems; written answers are scored against their rubric by
 * a judge model, or estimated offline by keyword coverage). Imported datasets (src/bench/import.ts) add
 * multiple-choice items and their own numeric and code items, one stored version per content hash. The dataset hash
 * is over the items' ids and hashes, so any changed item changes it.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import { loadBank, type Bank, type Problem, type RubricPoint } from '../practice/bank.js';
import type { TestCase } from '../practice/judge.js';
import { getDatasetItems } from './dataset-queries.js';

export const BENCH_KINDS = ['code', 'numeric', 'written', 'choice'] as const;
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
  /** choice: the options, lettered A, B, … in this order, and the right letter. */
  options?: string[];
  choice?: string;
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

function bank(): Dataset {
  return (bankCache ??= bankDataset(loadBank()));
}

/** The built-in dataset, for the parts that list its kinds and topics. */
export function builtInDataset(): Dataset {
  return bank();
}

/** A dataset by name: the bank, or the latest imported version of that name. */
export async function findDataset(db: Queryable, name: string): Promise<Dataset | null> {
  if (name === BANK_DATASET) return bank();
  const found = await getDatasetItems(db, name);
  return found && { name, hash: found.hash, items: found.items };
}

/**
 * Items by id, for the worker (ExecuteDeps.resolveItems). An imported dataset is read at the version the run sampled
 * (its hash), so importing a new version never changes a run already made; the bank is read as it is now, and an
 * item changed since is caught by its own hash.
 */
export async function itemsOf(db: Queryable, name: string, hash: string): Promise<Map<string, BenchItem>> {
  const items = name === BANK_DATASET ? bank().items : ((await getDatasetItems(db, name, hash))?.items ?? []);
  return new Map(items.map((i) => [i.id, i]));
}
