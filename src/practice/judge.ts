/**
 * The judge: compares what a submission's runner reported with the expected values of a problem's test cases. It
 * runs where submitted code never ran (the worker's own process, or the page for the browser's Run), on plain JSON
 * data, so nothing the submission does can change how it compares. Shared by the server and the browser bundle:
 * no Node imports here. See docs/grading-sandbox.md.
 */

/** One step of a case: call a function or method (keeping the result or reporting it), bind a value, read an attribute. */
export type Step =
  | { let: string; value: unknown }
  | { get: string }
  | { call: string; args?: unknown[]; kwargs?: Record<string, unknown>; raises?: boolean; keep?: string };

/** A test case as stored with a problem version: inputs, and the reference solution's outputs as expected values. */
export interface TestCase {
  name: string;
  visible: boolean;
  steps: Step[];
  /** One value per reporting step (every `get`, and every `call` without `keep`). */
  expected: unknown[];
  /** Absolute and relative tolerance for numbers (math.isclose semantics); absent means exact. */
  tol?: { rel: number; abs: number };
}

/** What the runner reports for one case: outputs, or an error (type, message, the user's own traceback lines). */
export interface RunnerOutput {
  stdout: string;
  outputs?: unknown[];
  error?: string;
}

export type TestStatus = 'pass' | 'fail' | 'error' | 'timeout';

export interface TestResult {
  name: string;
  status: TestStatus;
  message: string;
  expected?: string;
  actual?: string;
  stdout: string;
}

const REPR_CHARS = 300;

type Tol = { rel: number; abs: number } | undefined;

function tag(v: unknown): [string, unknown] | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) return undefined;
  return [keys[0]!, (v as Record<string, unknown>)[keys[0]!]];
}

/** A number, or a tagged float/int, as a JS number (NaN and ±Infinity included); undefined if it is not numeric. */
function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  const t = tag(v);
  if (t?.[0] === '$float' && typeof t[1] === 'string') return t[1] === 'nan' ? NaN : t[1] === 'inf' ? Infinity : t[1] === '-inf' ? -Infinity : Number(t[1]);
  if (t?.[0] === '$int' && typeof t[1] === 'string') return Number(t[1]);
  return undefined;
}

function closeNumbers(a: number, e: number, tol: Tol): boolean {
  if (Number.isNaN(a) || Number.isNaN(e)) return Number.isNaN(a) && Number.isNaN(e);
  if (a === e) return true;
  if (!tol || !Number.isFinite(a) || !Number.isFinite(e)) return false;
  return Math.abs(a - e) <= Math.max(tol.rel * Math.max(Math.abs(a), Math.abs(e)), tol.abs);
}

/** Deep comparison of two decoded JSON values; numbers within `tol` when given, everything else exactly. */
export function matches(actual: unknown, expected: unknown, tol: Tol): boolean {
  const et = tag(expected);
  if (et?.[0] === '$raised') {
    const at = tag(actual);
    const bases = (actual as { bases?: unknown }).bases;
    return at?.[0] === '$raised' && Array.isArray(bases) && bases.includes(et[1]);
  }
  if (et?.[0] === '$int' && tag(actual)?.[0] === '$int') return (actual as { $int: string }).$int === et[1];
  const e = numeric(expected);
  if (e !== undefined) {
    const a = typeof actual === 'boolean' ? undefined : numeric(actual);
    return a !== undefined && closeNumbers(a, e, tol);
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((x, i) => matches(actual[i], x, tol));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual) || tag(actual)) return false;
    const ek = Object.keys(expected).sort();
    const ak = Object.keys(actual).sort();
    return ek.length === ak.length && ek.every((k, i) => k === ak[i] &&
      matches((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], tol));
  }
  return actual === expected;
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** A Python-looking rendering of a reported value, for "expected …, got …" messages. */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNumber(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  const t = tag(v);
  if (t?.[0] === '$float') return String(t[1]);
  if (t?.[0] === '$int') return String(t[1]);
  if (t?.[0] === '$raised') return `raises ${String(t[1])}`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
}

const cap = (s: string) => (s.length > REPR_CHARS ? s.slice(0, REPR_CHARS) + '…truncated' : s);

/** What the i-th reported value of a case came from, for messages: "softmax(...)", "c.get(...)", "rng.random()". */
function describeOutput(c: TestCase, index: number): string {
  let n = 0;
  for (const s of c.steps) {
    if ('let' in s || ('call' in s && s.keep !== undefined)) continue;
    if (n++ === index) return 'get' in s ? s.get : `${s.call}(…)`;
  }
  return `output ${index + 1}`;
}

/** The verdict on one case. `out` is undefined when the runner never reported it (handled by the caller). */
export function judgeCase(c: TestCase, out: RunnerOutput): TestResult {
  const base = { name: c.name, stdout: out.stdout };
  if (out.error !== undefined) return { ...base, status: 'error', message: out.error };
  const outputs = out.outputs ?? [];
  if (outputs.length !== c.expected.length) {
    return { ...base, status: 'error', message: `the runner reported ${outputs.length} values where ${c.expected.length} were expected` };
  }
  for (let i = 0; i < c.expected.length; i++) {
    if (matches(outputs[i], c.expected[i], c.tol)) continue;
    const tol = c.tol ? ` (within rel=${c.tol.rel}, abs=${c.tol.abs})` : '';
    const expected = cap(pyRepr(c.expected[i]));
    const actual = cap(pyRepr(outputs[i]));
    const where = c.expected.length > 1 ? `${describeOutput(c, i)}: ` : '';
    return { ...base, status: 'fail', message: `${where}expected ${expected}${tol}, got ${actual}`, expected, actual };
  }
  return { ...base, status: 'pass', message: '' };
}
