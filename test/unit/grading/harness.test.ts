// harness.py semantics on their own, through a tiny stdin/stdout driver: fast feedback for harness bugs without
// the grader's sandbox around it. Python is Pyodide's (test/helpers/python.ts), so no system python3 is needed.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startPython, type Python } from '../../helpers/python.js';

const harnessDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'practice', 'harness');
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import harness
req = json.load(sys.stdin)
if req.get("stream"):
    out = list(harness.iter_events(req["user"], req["tests"], req.get("limits")))
else:
    out = harness.run_tests(req["user"], req["tests"], req.get("limits"))
sys.stdout.write(json.dumps(out))
`;

interface R { name: string; status: string; message: string; expected?: string; actual?: string; stdout: string }
let python: Python;
beforeAll(async () => {
  python = await startPython([harnessDir]);
}, 120_000);
function run(user: string, tests: string, extra: Record<string, unknown> = {}): R[] {
  return JSON.parse(python.run(DRIVER, [harnessDir], JSON.stringify({ user, tests, ...extra }))) as R[];
}
const byName = (rs: R[]) => Object.fromEntries(rs.map((r) => [r.name, r]));

const ADD = 'def add(a, b):\n    print("adding", a, b)\n    return a + b\n';

describe('harness.py', () => {
  it('passes, fails with expected/actual, and errors with a short traceback', () => {
    const r = byName(run(ADD, [
      'def test_ok(): check_equal(add(1, 2), 3)',
      'def test_wrong(): check_equal(add(1, 2), 4, label="small")',
      'def test_crash(): add(1, None)',
    ].join('\n')));
    expect(r.test_ok).toMatchObject({ status: 'pass', stdout: 'adding 1 2\n' });
    expect(r.test_wrong).toMatchObject({ status: 'fail', message: 'small: values differ', expected: '4', actual: '3' });
    expect(r.test_crash?.status).toBe('error');
    expect(r.test_crash?.message).toMatch(/TypeError: unsupported operand/);
    expect(r.test_crash?.message).toContain('solution.py');
  });

  it('runs tests in definition order and ignores non-test_ names', () => {
    const rs = run(ADD, 'def test_b(): pass\ndef helper(): pass\ndef test_a(): pass\nx = 1\ndef test_c(): pass\n');
    expect(rs.map((r) => r.name)).toEqual(['test_b', 'test_a', 'test_c']);
  });

  it('treats plain assert as fail and quotes the line or the message', () => {
    const r = byName(run(ADD, 'def test_bare():\n    assert add(1, 1) == 3\ndef test_msg():\n    assert add(1, 1) == 3, "one plus one"\n'));
    expect(r.test_bare).toMatchObject({ status: 'fail', message: 'assertion failed: assert add(1, 1) == 3' });
    expect(r.test_msg).toMatchObject({ status: 'fail', message: 'one plus one' });
  });

  it('check_close recurses over lists, tuples and dicts', () => {
    const r = byName(run('', [
      'def test_close(): check_close([0.1 + 0.2, (1.0, {"a": 2.0})], [0.3, (1.0 + 1e-12, {"a": 2.0})])',
      'def test_far(): check_close({"a": [1.0, 2.0]}, {"a": [1.0, 2.1]})',
      'def test_shape(): check_close([1.0], [1.0, 2.0])',
    ].join('\n')));
    expect(r.test_close?.status).toBe('pass');
    expect(r.test_far).toMatchObject({ status: 'fail', expected: "{'a': [1.0, 2.1]}", actual: "{'a': [1.0, 2.0]}" });
    expect(r.test_shape?.status).toBe('fail');
  });

  it('check_true and check_raises', () => {
    const r = byName(run(ADD, [
      'def test_t(): check_true(False, "must hold")',
      'def test_r(): check_raises(TypeError, add, 1, None)',
      'def test_r_wrong(): check_raises(ValueError, add, 1, None)',
      'def test_r_none(): check_raises(ValueError, add, 1, 2)',
    ].join('\n')));
    expect(r.test_t).toMatchObject({ status: 'fail', message: 'must hold' });
    expect(r.test_r?.status).toBe('pass');
    expect(r.test_r_wrong).toMatchObject({ status: 'fail', expected: 'ValueError' });
    expect(r.test_r_wrong?.actual).toMatch(/^TypeError/);
    expect(r.test_r_none).toMatchObject({ status: 'fail', actual: 'no exception' });
  });

  it('gives every test an error when the user code does not load', () => {
    const rs = run('def add(a, b:\n    return a', 'def test_a(): pass\ndef test_b(): pass\n');
    expect(rs.map((r) => [r.name, r.status])).toEqual([['test_a', 'error'], ['test_b', 'error']]);
    expect(rs[0]?.message).toMatch(/SyntaxError/);
    const rt = run('raise RuntimeError("boom")', 'def test_a(): pass\n');
    expect(rt[0]?.message).toMatch(/RuntimeError: boom/);
  });

  it('one test cannot break the next (SystemExit, stdout hijack, exceptions)', () => {
    const r = byName(run(ADD, [
      'import sys',
      'def test_exit(): raise SystemExit(3)',
      'def test_kbd(): raise KeyboardInterrupt()',
      'def test_hijack(): sys.stdout = None',
      'def test_after():\n    print("still here")\n    check_equal(add(2, 2), 4)',
    ].join('\n')));
    expect(r.test_exit?.status).toBe('error');
    expect(r.test_kbd?.status).toBe('error');
    expect(r.test_after).toMatchObject({ status: 'pass', stdout: 'still here\nadding 2 2\n' });
  });

  it('caps stdout per test at the limit and says so', () => {
    const rs = run('', 'def test_loud():\n    for i in range(100000): print("x" * 50)\ndef test_quiet(): print("ok")\n');
    expect(Buffer.byteLength(rs[0]!.stdout)).toBeLessThan(4096 + 100);
    expect(rs[0]!.stdout.endsWith('…truncated')).toBe(true);
    expect(rs[1]!.stdout).toBe('ok\n');
    const small = run('', 'def test_x(): print("y" * 100)', { limits: { stdout_bytes: 10 } });
    expect(small[0]!.stdout).toBe('yyyyyyyyyy\n…truncated');
  });

  it('truncates long reprs in expected/actual', () => {
    const rs = run('', 'def test_big(): check_equal(list(range(1000)), [])');
    expect(rs[0]!.actual!.length).toBeLessThan(320);
    expect(rs[0]!.actual!.endsWith('…truncated')).toBe(true);
  });

  it('caps messages that user code makes huge: a failing assertion, an exception, code that fails to load', () => {
    const huge = `def test_fail(): assert False, "m" * 1_000_000
def test_raise(): raise ValueError("v" * 1_000_000)
`;
    for (const r of run('', huge)) {
      expect(r.message.length).toBeLessThan(2000 + 20);
      expect(r.message.endsWith('…truncated')).toBe(true);
    }
    const broken = run('raise RuntimeError("r" * 1_000_000)', 'def test_a(): pass');
    expect(broken[0]!.status).toBe('error');
    expect(broken[0]!.message.length).toBeLessThan(2000 + 20);
    expect(run('', 'def test_x(): assert False, "short"')[0]!.message).toBe('short');
  });

  it('streams plan, start and result events in order', () => {
    const evs = run(ADD, 'def test_a(): pass\ndef test_b(): assert False\n', { stream: true }) as unknown as { event: string; name?: string; names?: string[] }[];
    expect(evs.map((e) => `${e.event}:${e.name ?? e.names?.join(',')}`)).toEqual([
      'plan:test_a,test_b', 'start:test_a', 'result:test_a', 'start:test_b', 'result:test_b',
    ]);
  });
});
