// Messages between the grader pool (parent) and a grader child process.
//
// Channels, chosen so user output can never be mistaken for protocol:
//   child stdin  <- one JSON line: ChildRequest (the submission and the cases' inputs; never an expected value)
//   child fd 3   -> JSON lines: ChildMessage (the only channel the parent parses)
//   child fd 4   -> raw snapshot bytes (snapshot-making children only)
//   child stdout/stderr -> drained and ignored except for crash diagnostics.
// Python's own fd 1/2 are routed to a sink inside the child, and the runner captures sys.stdout per case, so a
// print() lands in that case's "stdout" field. Every message on fd 3 is written by the child's JS; what Python
// reports is parsed and re-serialised there, and the parent accepts only the sequence it asked for (results.ts).
import type { Step } from '../../src/practice/judge.js';

export type SuiteName = 'visible' | 'hidden';

export interface ChildConfig {
  /** Directory holding pyodide.mjs, pyodide.asm.wasm, python_stdlib.zip. */
  pyodideDir: string;
  /** Absolute path of runner.py. */
  harnessPath: string;
  /** Load Pyodide from this memory snapshot instead of booting Python. */
  snapshotPath?: string;
  /** Boot, write a memory snapshot to fd 4, exit. Runs no user code. */
  makeSnapshot?: boolean;
}

export interface ChildRequest {
  code: string;
  /** Inputs only: the judge in the parent holds the expected values. */
  cases: { steps: Step[] }[];
  limits?: { stdout_bytes?: number };
}

export type ChildMessage =
  | { t: 'ready'; loadMs: number; rss: number; fromSnapshot: boolean }
  | { t: 'loaded'; stdout: string; error?: string }
  | { t: 'start'; i: number }
  | { t: 'out'; i: number; stdout: string; outputs?: unknown[]; error?: string }
  | { t: 'snapshot'; bytes: number }
  | { t: 'done' }
  | { t: 'fatal'; message: string };
