/** The statistics against hand computations (the arithmetic is in each comment). */
import { describe, expect, it } from 'vitest';
import { accuracyInterval, clusteredInterval, mcnemarExact, meanPassAtK, pairedDifference, passAtK, wilson } from '../../../src/bench/stats.js';

describe('wilson', () => {
  it('7 of 10: centre (0.7 + z²/20)/(1 + z²/10) = 0.64449, half-width 0.24771', () => {
    const w = wilson(7, 10)!;
    expect(w.p).toBe(0.7);
    expect(w.lo).toBeCloseTo(0.396777, 5);
    expect(w.hi).toBeCloseTo(0.892205, 5);
  });
  it('0 of 5 and 5 of 5 stay inside [0, 1] with non-zero width', () => {
    expect(wilson(0, 5)).toMatchObject({ p: 0, lo: 0 });
    expect(wilson(0, 5)!.hi).toBeCloseTo(0.434482, 5); // z²/(n + z²) = 3.8415/8.8415
    expect(wilson(5, 5)!.lo).toBeCloseTo(1 - 0.434482, 5);
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('clustered interval (K > 1)', () => {
  it('items 2/2, 0/2, 1/2: p = 0.5, se = √(3/2 · 2)/6 = 0.288675', () => {
    const c = clusteredInterval([{ correct: 2, n: 2 }, { correct: 0, n: 2 }, { correct: 1, n: 2 }])!;
    expect(c.p).toBe(0.5);
    expect(c.se).toBeCloseTo(0.288675, 5);
    expect(c.lo).toBe(0); // 0.5 − 1.96·0.2887 < 0, clipped
    expect(c.hi).toBe(1); // 0.5 + 1.96·0.2887 = 1.066, clipped
  });
  it('accuracyInterval picks Wilson for one sample per item and the clustered one otherwise', () => {
    expect(accuracyInterval([{ correct: 1, n: 1 }, { correct: 0, n: 1 }])).toEqual(wilson(1, 2));
    expect(accuracyInterval([{ correct: 1, n: 2 }, { correct: 2, n: 2 }])).toMatchObject({ p: 0.75 });
  });
});

describe('pass@k', () => {
  it('n = 5, c = 2: pass@1 = 2/5, pass@2 = 1 − C(3,2)/C(5,2) = 0.7', () => {
    expect(passAtK(5, 2, 1)).toBeCloseTo(0.4, 12);
    expect(passAtK(5, 2, 2)).toBeCloseTo(0.7, 12);
    expect(passAtK(5, 4, 2)).toBe(1);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(() => passAtK(2, 1, 3)).toThrow(RangeError);
    expect(meanPassAtK([{ n: 5, c: 2 }, { n: 5, c: 5 }], 2)).toBeCloseTo(0.85, 12);
  });
});

describe('mcnemarExact', () => {
  it('b = 1, c = 6: 2·(C(7,0) + C(7,1))/2⁷ = 16/128 = 0.125', () => {
    expect(mcnemarExact(1, 6)).toBeCloseTo(0.125, 12);
    expect(mcnemarExact(6, 1)).toBeCloseTo(0.125, 12);
  });
  it('b = 0, c = 5: 2/32; no discordant pairs: 1; balanced: capped at 1', () => {
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 12);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(3, 3)).toBe(1);
  });
  it('stays finite for thousands of discordant items', () => {
    const p = mcnemarExact(1000, 1200);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-4);
  });
});

describe('pairedDifference', () => {
  it('d = [1, 0, 0, 1]: mean 0.5, sd² = 1/3, se = √(1/12) = 0.288675', () => {
    const d = pairedDifference([[1, 0], [1, 1], [0, 0], [1, 0]])!;
    expect(d.diff).toBe(0.5);
    expect(d.se).toBeCloseTo(0.288675, 5);
    expect(d.lo).toBeCloseTo(0.5 - 1.959964 * 0.288675, 4);
    expect(pairedDifference([])).toBeNull();
  });
});
