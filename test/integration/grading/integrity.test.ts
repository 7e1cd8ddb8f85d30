/**
 * Verdict integrity: submissions that try to forge a pass, graded through gradeSubmission (the path practice
 * attempts and benchmark runs share) by real grader children. The problem's answer (f(x) = 7919 x + 13) is not
 * in any submission; each one tries a trick instead, and must come back `failed` or `error`, never `passed`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraderPool } from '../../../dist/worker/grader/index.js';
import { gradeSubmission } from '../../../src/practice/grading.js';
import type { TestCase } from '../../../src/practice/judge.js';

const quiet = { info() {}, warn() {} };
const f = (x: number) => 7919 * x + 13;
const one = (name: string, visible: boolean, x: number): TestCase => ({ name, visible, steps: [{ call: 'f', args: [x] }], expected: [f(x)] });
// Hidden inputs and every expected value are distinctive numbers, so a probe that found one could not miss it.
const HIDDEN_INPUTS = [48_611, 70_423, 91_807];
const problem = {
  slug: 'integrity-probe',
  cases: [one('first', true, 1), one('second', true, 2), ...HIDDEN_INPUTS.map((x, i) => one(`hidden_${i}`, false, x))],
};
const EXPECTED = problem.cases.map((c) => c.expected[0] as number);
// Shifted by one in the probe's source, so the probe's own code holds none of the numbers it looks for.
const shift = (xs: number[]) => JSON.stringify(xs.map((x) => x + 1));
/** Right on the visible cases, so only the trick could make the hidden ones pass. */
const VISIBLE_ONLY = 'def f(x):\n    return {1: 7932, 2: 15851}.get(x, 0)\n';

const FORGERIES: Record<string, string> = {
  'hard-codes the visible answers': VISIBLE_ONLY,
  'replaces the runner module functions and sys.modules entry': `
import sys, types
r = sys.modules["bench_runner"]
fake = '{"outputs": [0], "stdout": ""}'
r.run_case = lambda steps: fake
r._encode = lambda v, b, d=0: 0
r.run_case.__code__ = (lambda steps: fake).__code__
sys.modules["bench_runner"] = types.SimpleNamespace(run_case=lambda s: fake, load=lambda *a: '{"stdout": ""}')
${VISIBLE_ONLY}`,
  'patches the original run_case code object found through gc': `
import gc
for o in gc.get_objects():
    if callable(o) and getattr(o, "__name__", "") == "run_case":
        o.__code__ = (lambda steps: '{"outputs": [7932], "stdout": ""}').__code__
${VISIBLE_ONLY}`,
  'replaces builtins and the stdlib the runner relies on': `
import builtins, json, math
builtins.type = lambda *a: list
builtins.isinstance = lambda *a: True
math.isnan = lambda x: False
math.isclose = lambda *a, **k: True
json.dumps = lambda *a, **k: '{"outputs": [true], "stdout": ""}'
json.loads = lambda *a, **k: []
${VISIBLE_ONLY}`,
  'prints protocol lines and invents a thousand results': `
import sys, json
def f(x):
    for i in range(1000):
        print(json.dumps({"t": "out", "i": i, "stdout": "", "outputs": [7919 * x + 13]}))
        sys.__stdout__.write('{"t":"done"}\\n')
    print('{"t":"done"}')
    return {1: 7932, 2: 15851}.get(x, 0)
`,
  'writes to fd 3 and other descriptors': `
import os
def f(x):
    for fd in (1, 2, 3, 4, 5, 7):
        try:
            os.write(fd, b'{"t":"out","i":2,"stdout":"","outputs":[0]}\\n{"t":"done"}\\n')
        except OSError:
            pass
    return {1: 7932, 2: 15851}.get(x, 0)
`,
  'returns an object equal to everything': `
class Anything:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
def f(x):
    return Anything()
`,
  'returns an int subclass equal to everything': 'class N(int):\n    def __eq__(self, o): return True\ndef f(x):\n    return N(7932)\n',
  'returns a list subclass': 'class L(list):\n    pass\ndef f(x):\n    return L([7919 * 0])\n',
  'returns a float subclass': 'class F(float):\n    def __eq__(self, o): return True\ndef f(x):\n    return F(0.0)\n',
  'returns a dict subclass': 'class D(dict):\n    def __eq__(self, o): return True\ndef f(x):\n    return D()\n',
  'returns NaN': 'def f(x):\n    return float("nan")\n',
  'calls sys.exit(0) at import': 'import sys\nsys.exit(0)\n',
  'calls os._exit(0) at import': 'import os\nos._exit(0)\n',
  'raises SystemExit at import': 'raise SystemExit(0)\n',
  'raises KeyboardInterrupt at import': 'raise KeyboardInterrupt\n',
  'calls sys.exit(0) in the entry point': `import sys\ndef f(x):\n    if x > 2:\n        sys.exit(0)\n    return {1: 7932, 2: 15851}[x]\n`,
  'calls os._exit(0) in the entry point': `import os\ndef f(x):\n    if x > 2:\n        os._exit(0)\n    return {1: 7932, 2: 15851}[x]\n`,
  'raises SystemExit in the entry point': `def f(x):\n    if x > 2:\n        raise SystemExit(0)\n    return {1: 7932, 2: 15851}[x]\n`,
  'raises KeyboardInterrupt in the entry point': `def f(x):\n    if x > 2:\n        raise KeyboardInterrupt\n    return {1: 7932, 2: 15851}[x]\n`,
};

/**
 * Looks everywhere a submission can look and prints every expected value, and every hidden input of a case that
 * has not run yet, that it finds (the current case's own input is in Python by design).
 */
const SNOOP = `
import gc, inspect, os, sys
EXPECTED = {v - 1 for v in ${shift(EXPECTED)}}
SHIFTED = ${shift(HIDDEN_INPUTS)}
SECRETS = set()
found = set()
def scan(o, depth=0):
    if depth > 3:
        return
    try:
        if type(o) is int and o in SECRETS: found.add(("gc", o))
        elif type(o) is str:
            for s in SECRETS:
                if str(s) in o: found.add(("str", s))
        elif type(o) in (list, tuple):
            for x in o[:200]: scan(x, depth + 1)
        elif type(o) is dict:
            for k, v in list(o.items())[:200]: scan(k, depth + 1); scan(v, depth + 1)
    except Exception:
        pass
def f(x):
    SECRETS.clear()
    SECRETS.update(EXPECTED)
    later = SHIFTED[SHIFTED.index(x + 1) + 1:] if x + 1 in SHIFTED else SHIFTED
    SECRETS.update({v - 1 for v in later})
    for o in gc.get_objects():
        scan(o)
    frame = inspect.currentframe()
    while frame is not None:
        for v in list(frame.f_locals.values()) + list(frame.f_globals.values()):
            scan(v)
        frame = frame.f_back
    for name, m in list(sys.modules.items()):
        for v in list(getattr(m, "__dict__", {}).values()):
            scan(v)
    scan(dict(os.environ))
    for root, dirs, files in os.walk("/"):
        if root.startswith(("/proc", "/dev", "/sys")):
            continue
        for name in files:
            if name in ("cases.json", "cases.py", "solution.py") or "/bank" in root:
                found.add(("file", os.path.join(root, name)))
    print("FOUND", sorted(found, key=str))
    return sorted(found, key=str)[0][1] if found else 0
`;

describe('verdicts a submission cannot forge', () => {
  let pool: ReturnType<typeof createGraderPool>;
  beforeAll(async () => {
    pool = createGraderPool({ size: 2, timeLimitMs: 20_000, logger: quiet });
    await pool.whenWarm();
  }, 120_000);
  afterAll(async () => { await pool?.close(); });

  it('the honest answer passes (the cases are fair)', async () => {
    const r = await gradeSubmission(pool, problem, 'def f(x):\n    return 7919 * x + 13\n');
    expect(r.status).toBe('passed');
  }, 60_000);

  it.each(Object.entries(FORGERIES))('a submission that %s gets failed or error', async (_what, code) => {
    const r = await gradeSubmission(pool, problem, code);
    expect(['failed', 'error']).toContain(r.status);
    // Exactly the cases asked for, in order: nothing added, nothing dropped.
    expect(r.tests.map((t) => t.name)).toEqual(problem.cases.map((c) => c.name));
    expect(r.tests.filter((t) => t.suite === 'hidden').some((t) => t.status === 'pass')).toBe(false);
  }, 60_000);

  it('rejects non-plain return values with a message that says why', async () => {
    const r = await gradeSubmission(pool, problem, FORGERIES['returns a list subclass']!);
    expect(r.tests[0]).toMatchObject({ status: 'error', message: expect.stringMatching(/list subclass \(L\).*return plain lists/) });
    const nan = await gradeSubmission(pool, problem, FORGERIES['returns NaN']!);
    expect(nan.tests[0]).toMatchObject({ status: 'fail', expected: '7932', actual: 'nan' });
  }, 60_000);

  it('finds no expected value and no later hidden input through gc, frames, sys.modules, files or environment', async () => {
    const r = await gradeSubmission(pool, problem, SNOOP);
    expect(['failed', 'error']).toContain(r.status);
    // The probe ran and reported (its own input is the only case data Python ever holds at that moment).
    for (const t of r.tests) expect(t.stdout).toMatch(/^FOUND \[/);
    expect(r.tests.every((t) => t.stdout.trim() === 'FOUND []')).toBe(true);
  }, 60_000);
});
