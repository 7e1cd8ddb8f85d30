// Verdicts from real grader children (Pyodide under the permission model).
// Needs a build first: the pool spawns dist/worker/grader/child.js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool, gradeCold } from '../../../dist/worker/grader/index.js';

const quiet = { info() {}, warn() {} };
const TESTS = [
  { name: 'small', visible: true, steps: [{ call: 'add', args: [1, 2] }], expected: [3] },
  { name: 'zero', visible: true, steps: [{ call: 'add', args: [0, 0] }], expected: [0] },
  { name: 'big', visible: false, steps: [{ call: 'add', args: [10 ** 6, 1] }], expected: [10 ** 6 + 1] },
];

describe('grader verdicts', () => {
  // Test timeouts only bound a hang: on a loaded 2-core machine booting Pyodide and grading can take minutes.
  // Two pools. `pool`'s time limit is far beyond anything these small solutions need on the busiest machine: what it
  // grades is not about time. `loopPool`'s limit is under test, and only infinite loops (which provably reach any
  // limit) run long there; 5 s leaves the quick test before the loop, and the check that the pool keeps serving,
  // room on a loaded machine.
  let pool: ReturnType<typeof createGraderPool>;
  let loopPool: ReturnType<typeof createGraderPool>;
  beforeAll(async () => {
    pool = createGraderPool({ size: 2, timeLimitMs: 600_000, memoryLimitMb: 320, logger: quiet });
    loopPool = createGraderPool({ size: 1, timeLimitMs: 5000, memoryLimitMb: 320, logger: quiet });
    // loopPool's child boots meanwhile; its tests wait for it within their own timeouts.
    await pool.whenWarm();
  }, 600_000);
  afterAll(async () => { await Promise.all([pool?.close(), loopPool?.close()]); });

  it('passes a correct solution, across both suites', async () => {
    const r = await pool.grade({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS });
    expect(r.status).toBe('passed');
    expect(r.tests.map((t) => [t.suite, t.name, t.status])).toEqual([
      ['visible', 'small', 'pass'], ['visible', 'zero', 'pass'], ['hidden', 'big', 'pass'],
    ]);
  }, 120_000);

  it('fails a wrong solution with expected/actual and captured stdout', async () => {
    const r = await pool.grade({ code: 'def add(a, b):\n    print("debug", a, b)\n    return a - b\n', cases: TESTS });
    expect(r.status).toBe('failed');
    const small = r.tests.find((t) => t.name === 'small');
    expect(small).toMatchObject({ status: 'fail', expected: '3', actual: '-1', stdout: 'debug 1 2\n' });
    expect(r.tests.find((t) => t.name === 'zero')?.status).toBe('pass');
  }, 120_000);

  it('reports a crashing solution as error with the exception', async () => {
    const r = await pool.grade({ code: 'def add(a, b):\n    return {}[a]\n', cases: TESTS });
    expect(r.status).toBe('error');
    expect(r.tests[0]?.status).toBe('error');
    expect(r.tests[0]?.message).toMatch(/KeyError: 1/);
    const syntax = await pool.grade({ code: 'def add(a, b)\n    return a + b\n', cases: TESTS });
    expect(syntax.tests.every((t) => t.status === 'error' && /SyntaxError/.test(t.message))).toBe(true);
  }, 120_000);

  it('times out an infinite loop on the running test, and the pool keeps serving', async () => {
    const code = 'def add(a, b):\n    if a == 0:\n        while True: pass\n    return a + b\n';
    const r = await loopPool.grade({ code, cases: TESTS });
    expect(r.status).toBe('timeout');
    expect(r.note).toBe('timed out after 5 s');
    expect(r.tests.map((t) => [t.name, t.status, t.message])).toEqual([
      ['small', 'pass', ''],
      ['zero', 'timeout', 'timed out after 5 s'],
      ['big', 'error', 'not run: an earlier test timed out'],
    ]);
    const next = await loopPool.grade({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS });
    expect(next.status).toBe('passed');
  }, 300_000);

  it('blames the first test when top-level code hangs', async () => {
    const r = await loopPool.grade({ code: 'while True:\n    pass\n', cases: TESTS });
    expect(r.status).toBe('timeout');
    expect(r.tests[0]).toMatchObject({ name: 'small', status: 'timeout', message: 'timed out after 5 s' });
  }, 300_000);

  it('kills a memory hog with the memory message', async () => {
    // A pool whose time limit the hog cannot reach first: on a busy machine it may not allocate 320 MB within a
    // short wall-clock limit and would end as a timeout, which is not what this test is about.
    const hogPool = createGraderPool({ size: 1, timeLimitMs: 600_000, memoryLimitMb: 320, logger: quiet });
    try {
      const code = 'def add(a, b):\n    hoard = []\n    while True:\n        hoard.append(bytearray(1 << 20))\n';
      const r = await hogPool.grade({ code, cases: TESTS });
      expect(r.status).toBe('memory');
      expect(r.note).toBe('memory limit of 320 MB exceeded');
      expect(r.tests[0]).toMatchObject({ status: 'error', message: 'memory limit of 320 MB exceeded' });
      expect(r.tests[1]).toMatchObject({ status: 'error', message: 'not run: the memory limit was exceeded earlier' });
      expect((await hogPool.grade({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS })).status).toBe('passed');
    } finally {
      await hogPool.close();
    }
  }, 300_000);

  it('grades concurrent submissions beyond the pool size', async () => {
    const rs = await Promise.all([1, 2, 3, 4].map(() => pool.grade({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS })));
    expect(rs.map((r) => r.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(pool.stats().graded).toBeGreaterThanOrEqual(4);
  }, 120_000);

  it('grades no more attempts at once than its concurrency, and a queued attempt holds no child', async () => {
    // The time limit is far from anything a correct add() needs even on a busy machine: concurrency is under test.
    const small = createGraderPool({ size: 1, concurrency: 1, timeLimitMs: 60_000, memoryLimitMb: 320, logger: quiet });
    try {
      await small.whenWarm();
      let maxBusy = 0;
      let maxAlive = 0;
      const sample = setInterval(() => {
        const st = small.stats();
        maxBusy = Math.max(maxBusy, st.busy);
        maxAlive = Math.max(maxAlive, st.busy + st.warm + st.booting);
      }, 5);
      const rs = await Promise.all([1, 2, 3].map(() => small.grade({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS })));
      clearInterval(sample);
      expect(rs.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
      expect(maxBusy).toBe(1);
      expect(maxAlive).toBeLessThanOrEqual(2); // the busy child and its warm replacement: the 512 MB budget
    } finally {
      await small.close();
    }
  }, 300_000);

  it('gradeCold boots and grades without a pool', async () => {
    const r = await gradeCold({ code: 'def add(a, b):\n    return a + b\n', cases: TESTS }, { timeLimitMs: 600_000, logger: quiet });
    expect(r.status).toBe('passed');
  }, 120_000);
});
