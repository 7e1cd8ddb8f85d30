// Messages between the grader pool (parent) and a grader child process.
//
// Channels, chosen so user output can never be mistaken for protocol:
//   child stdin  <- one JSON line: ChildRequest
//   child fd 3   -> JSON lines: ChildMessage (the only channel the parent parses)
//   child fd 4   -> raw snapshot bytes (snapshot-making children only)
//   child stdout/stderr -> drained and ignored except for crash diagnostics.
// Python's own fd 1/2 are routed to a sink inside the child, and the harness
// captures sys.stdout per test, so a print() lands in a test's "stdout" field.

export type SuiteName = 'visible' | 'hidden';

export interface ChildConfig {
  /** Directory holding pyodide.mjs, pyodide.asm.wasm, python_stdlib.zip. */
  pyodideDir: string;
  /** Absolute path of harness.py. */
  harnessPath: string;
  /** Load Pyodide from this memory snapshot instead of booting Python. */
  snapshotPath?: string;
  /** Boot, write a memory snapshot to fd 4, exit. Runs no user code. */
  makeSnapshot?: boolean;
}

export interface ChildRequest {
  code: string;
  tests: { name: SuiteName; source: string }[];
  limits?: { stdout_bytes?: number; repr_chars?: number };
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

/** Events yielded by harness.iter_events(), one per line. */
export type HarnessEvent =
  | { event: 'plan'; names: string[] }
  | { event: 'start'; name: string }
  | ({ event: 'result' } & TestResult);

export type ChildMessage =
  | { t: 'ready'; loadMs: number; rss: number; fromSnapshot: boolean }
  | { t: 'plan'; suites: { suite: SuiteName; names: string[] }[] }
  | { t: 'suite'; suite: SuiteName }
  | { t: 'ev'; suite: SuiteName; ev: HarnessEvent }
  | { t: 'snapshot'; bytes: number }
  | { t: 'done' }
  | { t: 'fatal'; message: string };
