/**
 * Seeded sampling is SHA-256 of "seed:id", ascending. The expected order was computed outside this codebase with
 * coreutils: for i in a b c d e f; do printf 'seed1:%s' $i | sha256sum; done | sort.
 */
import { describe, expect, it } from 'vitest';
import { sampleKey, seededOrder, seededSubset, subsetSize } from '../../../src/bench/sampling.js';

const items = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));

describe('seeded sampling', () => {
  it('orders by the hex SHA-256 of seed:id, as coreutils computes it', () => {
    expect(sampleKey('seed1', 'f').slice(0, 16)).toBe('11834e39380d6eef');
    expect(seededOrder(items, 'seed1').map((i) => i.id)).toEqual(['f', 'c', 'b', 'a', 'd', 'e']);
  });
  it('takes the first n; the input order does not matter; another seed gives another subset', () => {
    expect(seededSubset([...items].reverse(), 'seed1', 3).map((i) => i.id)).toEqual(['f', 'c', 'b']);
    expect(seededSubset(items, 'seed2', 3).map((i) => i.id)).not.toEqual(['f', 'c', 'b']);
  });
  it('a subset is a count or a percentage rounded up, never more than there are', () => {
    expect(subsetSize(34, { count: 5 })).toBe(5);
    expect(subsetSize(34, { count: 50 })).toBe(34);
    expect(subsetSize(34, { percent: 1 })).toBe(1);
    expect(subsetSize(34, { percent: 50 })).toBe(17);
    expect(subsetSize(34, {})).toBe(34);
  });
});
