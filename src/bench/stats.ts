/**
 * The statistics of a benchmark run, as pure functions: an interval for an accuracy, unbiased pass@k, and the paired
 * comparison of two runs on the same items. Every function here is checked against hand computations in
 * test/unit/bench/stats.test.ts.
 */

/** The normal quantile of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  /** The point estimate. */
  p: number;
  lo: number;
  hi: number;
}

/**
 * Wilson score interval for k successes in n independent trials. Unlike p ± z·√(p(1−p)/n) it never leaves [0, 1]
 * and stays honest at 0/n and n/n, which small benchmark subsets hit often.
 */
export function wilson(k: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * Accuracy over several samples per item, with a cluster-robust (by item) standard error: samples of one item are
 * not independent, so treating K·n samples as K·n trials would make the interval far too narrow. The sandwich
 * estimator with the small-sample factor G/(G−1); the interval is p ± z·se clipped to [0, 1].
 */
export function clusteredInterval(items: { correct: number; n: number }[], z = Z95): (Interval & { se: number }) | null {
  const total = items.reduce((s, i) => s + i.n, 0);
  const g = items.filter((i) => i.n > 0).length;
  if (total === 0) return null;
  const p = items.reduce((s, i) => s + i.correct, 0) / total;
  if (g < 2) return { p, se: 0, lo: p, hi: p };
  const sum = items.reduce((s, i) => s + (i.correct - p * i.n) ** 2, 0);
  const se = Math.sqrt((g / (g - 1)) * sum) / total;
  return { p, se, lo: Math.max(0, p - z * se), hi: Math.min(1, p + z * se) };
}

/** The accuracy interval a run shows: Wilson with one sample per item, cluster-robust with more. */
export function accuracyInterval(items: { correct: number; n: number }[]): Interval | null {
  const maxSamples = items.reduce((m, i) => Math.max(m, i.n), 0);
  if (maxSamples <= 1) {
    const n = items.reduce((s, i) => s + i.n, 0);
    return wilson(items.reduce((s, i) => s + i.correct, 0), n);
  }
  return clusteredInterval(items);
}

/**
 * Unbiased pass@k from n samples of which c passed: 1 − C(n−c, k)/C(n, k), computed as a product so that large n
 * does not overflow (Chen et al., 2021, "Evaluating Large Language Models Trained on Code").
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n) throw new RangeError(`pass@${k} needs at least ${k} samples (got ${n})`);
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** Mean pass@k over items, each with its own n and c. */
export function meanPassAtK(items: { n: number; c: number }[], k: number): number | null {
  const usable = items.filter((i) => i.n >= k);
  if (usable.length === 0) return null;
  return usable.reduce((s, i) => s + passAtK(i.n, i.c, k), 0) / usable.length;
}

/**
 * Exact two-sided McNemar test: b items only A passed, c items only B passed. Under the null each discordant item is
 * a fair coin, so p = min(1, 2·P(X ≤ min(b, c))) for X ~ Binomial(b + c, 1/2). Exact, because benchmark subsets often
 * have a handful of discordant items, where the chi-square approximation is poor.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const m = Math.min(b, c);
  // Sum binomial probabilities in log space: C(n, i) / 2^n underflows for a few thousand items otherwise.
  let logC = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

export interface PairedDifference {
  n: number;
  /** Mean of (a − b) over the shared items. */
  diff: number;
  se: number;
  lo: number;
  hi: number;
}

/**
 * The difference of two runs' scores on the same items, with the paired standard error sd(a − b)/√n. Pairing
 * removes the between-item variance that two independent intervals would double count.
 */
export function pairedDifference(pairs: [number, number][], z = Z95): PairedDifference | null {
  const n = pairs.length;
  if (n === 0) return null;
  const d = pairs.map(([a, b]) => a - b);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? d.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const se = Math.sqrt(variance / n);
  return { n, diff: mean, se, lo: mean - z * se, hi: mean + z * se };
}
