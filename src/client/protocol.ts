/**
 * Messages between the page (runner.ts) and the Pyodide worker (py-worker.ts). Types only: nothing here is bundled.
 */

/** One case's outcome, as the judge gives it (src/practice/judge.ts). */
export interface TestResult {
  name: string;
  status: 'pass' | 'fail' | 'error' | 'timeout';
  message: string;
  expected?: string;
  actual?: string;
  stdout?: string;
}

export type ToWorker =
  /** Sent once. `control` exists only when the page is cross-origin isolated: [0] interrupt, [1] stop. */
  | { type: 'init'; control?: SharedArrayBuffer }
  | { type: 'run'; id: number; code: string; tests: string };

export type LoadPhase = 'download' | 'start';

export type FromWorker =
  | { type: 'progress'; phase: LoadPhase; loaded?: number; total?: number }
  | { type: 'ready'; loadMs: number; interrupts: boolean }
  | { type: 'load-failed'; message: string }
  /** The run's code is about to execute: the time limit starts now (loading Python does not count). */
  | { type: 'started'; id: number; names: string[] }
  | { type: 'plan'; id: number; names: string[] }
  | { type: 'start'; id: number; name: string }
  | { type: 'result'; id: number; result: TestResult }
  /** `stopped`: the run ended early because the page asked it to (time limit). */
  | { type: 'done'; id: number; stopped: boolean }
  | { type: 'run-failed'; id: number; message: string };

/** Index of each Int32 slot in the shared control buffer. */
export const INTERRUPT = 0;
export const STOP = 1;
/** What Pyodide's interrupt buffer expects for KeyboardInterrupt. */
export const SIGINT = 2;
