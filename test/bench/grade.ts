// Grading benchmark: warm pool vs cold boot, at the same parallelism. Run: npm run bench:grade
// (after `node scripts/build.mjs`; it drives the compiled grader).
// Last line of output is one JSON object, for CI to parse.
import { cpus } from 'node:os';
import { createGraderPool, gradeCold } from '../../dist/worker/grader/index.js';

const SOLUTION = `
def softmax(xs):
    import math
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    s = sum(exps)
    return [e / s for e in exps]
`;
// The same five checks as before the runner/judge split (3 visible, 2 hidden), as test cases.
const softmax = (xs: number[]) => { const m = Math.max(...xs); const e = xs.map((x) => Math.exp(x - m)); const t = e.reduce((a, b) => a + b); return e.map((x) => x / t); };
const CASES = [
  { name: 'sums_to_one', visible: true, steps: [{ call: 'softmax', args: [[1.0, 2.0, 3.0]] }], expected: [softmax([1, 2, 3])], tol: { rel: 1e-6, abs: 1e-9 } },
  { name: 'uniform', visible: true, steps: [{ call: 'softmax', args: [[0.0, 0.0]] }], expected: [[0.5, 0.5]], tol: { rel: 1e-6, abs: 1e-9 } },
  { name: 'known', visible: true, steps: [{ call: 'softmax', args: [[1.0, 2.0, 3.0]] }], expected: [[0.09003057, 0.24472847, 0.66524096]], tol: { rel: 1e-6, abs: 0 } },
  { name: 'large_inputs_stable', visible: false, steps: [{ call: 'softmax', args: [[1000.0, 1000.0]] }], expected: [[0.5, 0.5]], tol: { rel: 1e-6, abs: 1e-9 } },
  { name: 'single', visible: false, steps: [{ call: 'softmax', args: [[5.0]] }], expected: [[1.0]] },
];
const REQ = { code: SOLUTION, cases: CASES };
const quiet = { info() {}, warn: (m: string) => console.warn(m) };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

// The pool as the worker runs it by default (GRADER_POOL_SIZE, GRADER_CONCURRENCY: sized for a 512 MB machine);
// BENCH_GRADER_SIZE / BENCH_GRADER_CONCURRENCY try others. Cold throughput uses the same parallelism, so the two
// per_s figures compare the cost of a grade, not how many run at once.
const SIZE = Number(process.env.BENCH_GRADER_SIZE ?? 1);
const CONCURRENCY = Number(process.env.BENCH_GRADER_CONCURRENCY ?? 1);
const SUSTAINED = 50;
const COLD = 10;

async function main() {
  const pool = createGraderPool({ size: SIZE, concurrency: CONCURRENCY, timeLimitMs: 10_000, memoryLimitMb: 256, logger: quiet });
  await pool.whenWarm();
  const warmLat: number[] = [];
  for (let i = 0; i < 30; i++) {
    await pool.whenWarm(); // latency as a user sees it when the pool has caught up
    const t = performance.now();
    const r = await pool.grade(REQ);
    warmLat.push(performance.now() - t);
    if (r.status !== 'passed') throw new Error(`warm grade ${i}: ${JSON.stringify(r)}`);
  }
  // Sustained: SUSTAINED submissions queued at once; the pool grades CONCURRENCY at a time and re-warms meanwhile.
  await pool.whenWarm();
  let t = performance.now();
  const sustained = await Promise.all(Array.from({ length: SUSTAINED }, () => pool.grade(REQ)));
  const warmSec = (performance.now() - t) / 1000;
  if (sustained.some((r) => r.status !== 'passed')) throw new Error('sustained run had failures');
  const stats = pool.stats();
  await pool.close();

  // Cold: spawn + boot Pyodide from scratch + grade, CONCURRENCY at a time.
  const coldLat: number[] = [];
  t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < COLD) {
      const i = next++;
      const s = performance.now();
      const r = await gradeCold(REQ, { timeLimitMs: 10_000, memoryLimitMb: 256, logger: quiet });
      coldLat.push(performance.now() - s);
      if (r.status !== 'passed') throw new Error(`cold grade ${i}: ${JSON.stringify(r)}`);
    }
  }));
  const coldSec = (performance.now() - t) / 1000;

  const out = {
    warm: { per_s: round(SUSTAINED / warmSec, 2), p50_ms: round(pct(warmLat, 50)), p99_ms: round(pct(warmLat, 99)) },
    cold: { per_s: round(COLD / coldSec, 2), p50_ms: round(pct(coldLat, 50)), p99_ms: round(pct(coldLat, 99)) },
  };
  console.log(`node ${process.version}, ${cpus().length} CPUs, pool size ${SIZE}, ${CONCURRENCY} at a time (cold too), snapshot boot: ${stats.snapshot}, ` +
    `network namespace: ${stats.networkIsolated}, warm child RSS ≈ ${stats.lastWarmRssMb} MB, snapshot boot ≈ ${stats.lastBootMs} ms`);
  console.log('mode  | samples | per_s  | p50_ms  | p99_ms');
  console.log('------|---------|--------|---------|--------');
  console.log(`warm  | 30 / ${SUSTAINED} | ${String(out.warm.per_s).padEnd(6)} | ${String(out.warm.p50_ms).padEnd(7)} | ${out.warm.p99_ms}`);
  console.log(`cold  | ${COLD}      | ${String(out.cold.per_s).padEnd(6)} | ${String(out.cold.p50_ms).padEnd(7)} | ${out.cold.p99_ms}`);
  const ok = out.warm.p50_ms <= 150 && out.warm.per_s >= 2 * out.cold.per_s;
  console.log(`floors: warm p50 <= 150 ms and warm per_s >= 2x cold: ${ok ? 'met' : 'NOT MET'}`);
  console.log(JSON.stringify(out));
  if (!ok) process.exitCode = 1;
}

await main();
