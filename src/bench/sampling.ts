/**
 * Seeded subset selection, deterministic and language-independent: items are ordered by the hex SHA-256 of
 * `seed:item_id` and the first n are taken. Any implementation of SHA-256 reproduces the same subset from the same
 * seed, and adding an item to a dataset moves no other item's position relative to the rest.
 */
import { createHash, randomBytes } from 'node:crypto';

export function sampleKey(seed: string, itemId: string): string {
  return createHash('sha256').update(`${seed}:${itemId}`, 'utf8').digest('hex');
}

/** The ids in sampling order (ties are impossible in practice; broken by id for total order anyway). */
export function seededOrder<T extends { id: string }>(items: readonly T[], seed: string): T[] {
  const keyed = items.map((item) => ({ item, key: sampleKey(seed, item.id) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.item.id < b.item.id ? -1 : 1));
  return keyed.map((k) => k.item);
}

/** How many items a subset asks for: a count, or a percentage rounded up (so 1% of 34 is 1, not 0). */
export function subsetSize(available: number, subset: { count?: number; percent?: number }): number {
  if (subset.count !== undefined) return Math.min(available, subset.count);
  if (subset.percent !== undefined) return Math.min(available, Math.ceil((available * subset.percent) / 100));
  return available;
}

export function seededSubset<T extends { id: string }>(items: readonly T[], seed: string, n: number): T[] {
  return seededOrder(items, seed).slice(0, n);
}

/** A fresh seed when the user gives none: shown on the run and stored, so the run can be repeated. */
export function freshSeed(): string {
  return randomBytes(6).toString('hex');
}
