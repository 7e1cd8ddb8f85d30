/**
 * Builds a code problem's cases.json from its cases.py (the inputs, written by the author) and its solution.py (the
 * reference): each case's expected values are what the reference reports through the same runner a submission
 * goes through. This runs only bank-authored code, in a Pyodide interpreter of its own (trusted: no submission ever
 * runs in it), at authoring time: `npm run bank:cases` writes the files, and the bank check rebuilds them and
 * fails if a committed file is stale. The web and the worker only read the JSON.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import { matches, type Step, type TestCase } from './judge.js';
import { projectRoot } from '../paths.js';

const harnessDir = join(projectRoot, 'src', 'practice', 'harness');

interface AuthoredCase {
  name: string;
  visible: boolean;
  steps: Step[];
  tol?: { rel: number; abs: number };
  expect?: unknown[];
}

export async function trustedInterpreter(): Promise<PyodideInterface> {
  return loadPyodide({ packages: [] });
}

/** Runs `code` through a fresh copy of runner.py on each step list; returns the reports (error or outputs). */
export function runThroughRunner(py: PyodideInterface, code: string, steps: Step[][]): { outputs?: unknown[]; error?: string; stdout: string }[] {
  const ns = py.globals.get('dict')();
  try {
    ns.set('_src', readFileSync(join(harnessDir, 'runner.py'), 'utf8'));
    py.runPython('import types\n_m = types.ModuleType("bench_runner")\nexec(compile(_src, "runner.py", "exec"), _m.__dict__)', { globals: ns });
    const runner = ns.get('_m');
    const loaded = JSON.parse(runner.load(code, '{}') as string) as { error?: string; stdout: string };
    const out = steps.map((s) => (loaded.error ? loaded : JSON.parse(runner.run_case(JSON.stringify(s)) as string)) as { outputs?: unknown[]; error?: string; stdout: string });
    runner.destroy();
    return out;
  } finally {
    ns.destroy();
  }
}

/** The authored cases of one problem folder, as casegen.py's helpers build them. */
function authoredCases(py: PyodideInterface, folder: string): AuthoredCase[] {
  const ns = py.globals.get('dict')();
  try {
    ns.set('_helpers', readFileSync(join(harnessDir, 'casegen.py'), 'utf8'));
    ns.set('_cases', readFileSync(join(folder, 'cases.py'), 'utf8'));
    py.runPython('import json\n_g = {}\nexec(compile(_helpers, "casegen.py", "exec"), _g)\nexec(compile(_cases, "cases.py", "exec"), _g)\n_out = json.dumps(_g["CASES"], allow_nan=False)', { globals: ns });
    return JSON.parse(ns.get('_out') as string) as AuthoredCase[];
  } finally {
    ns.destroy();
  }
}

/** cases.json for one folder; throws with every reason the reference cannot stand behind its own cases. */
export function buildCases(py: PyodideInterface, folder: string, slug: string): TestCase[] {
  const authored = authoredCases(py, folder);
  const solution = readFileSync(join(folder, 'solution.py'), 'utf8');
  const reports = runThroughRunner(py, solution, authored.map((c) => c.steps));
  const problems: string[] = [];
  const cases = authored.map((c, i): TestCase => {
    const r = reports[i]!;
    if (r.error !== undefined || !r.outputs) problems.push(`${slug}/${c.name}: the reference solution errors: ${r.error}`);
    else if (c.expect && !matches(r.outputs, c.expect, c.tol)) {
      problems.push(`${slug}/${c.name}: the reference gives ${JSON.stringify(r.outputs)}, the case pins ${JSON.stringify(c.expect)}`);
    }
    return { name: c.name, visible: c.visible, steps: c.steps, expected: r.outputs ?? [], ...(c.tol ? { tol: c.tol } : {}) };
  });
  if (problems.length) throw new Error(problems.join('\n'));
  return cases;
}

/** One case per line: readable diffs when a case changes. */
export function formatCases(cases: TestCase[]): string {
  return `[\n${cases.map((c) => '  ' + JSON.stringify(c)).join(',\n')}\n]\n`;
}
