/**
 * The page's side of the Pyodide worker: starts it, reports its loading, runs code with a time limit, and recovers
 * from a runaway loop. The main thread never runs Python, so the page stays responsive whatever the code does.
 *
 * Time limit: one Run as a whole (visible tests are small), counted from when the code starts, not while Python
 * loads. On breach, with cross-origin isolation we raise KeyboardInterrupt through Pyodide's interrupt buffer and keep
 * the warm interpreter (falling back to termination if the code swallows the interrupt); without it we terminate
 * the worker and start a fresh one in the background.
 */
import { INTERRUPT, SIGINT, STOP, type FromWorker, type LoadPhase, type TestResult } from './protocol.js';

/** A result as shown: the judge's statuses plus tests that never ran because the time ran out. */
export type ShownResult = TestResult | { name: string; status: 'not-run'; message: string };

export interface RunOutcome {
  results: ShownResult[];
  timedOut: boolean;
  /** The runner itself failed (not a test): the interpreter is restarted. */
  error?: string;
}

export type RunnerStatus =
  | { kind: 'loading'; phase: LoadPhase; loaded?: number; total?: number; restart: boolean }
  | { kind: 'ready'; loadMs: number; restart: boolean }
  | { kind: 'failed'; message: string };

export interface RunHandlers {
  onPlan(names: string[]): void;
  onStart(name: string): void;
  onResult(result: TestResult): void;
}

/** How long a stopped run may take to acknowledge an interrupt before the worker is terminated anyway. */
const INTERRUPT_GRACE_MS = 1500;

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export class PythonRunner {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private control: Int32Array | undefined;
  private handler: ((msg: FromWorker) => void) | undefined;
  private nextId = 1;
  private activeId = 0;
  /** How many interpreters have been started (1 + restarts). */
  loads = 0;
  lastLoadMs: number | undefined;

  constructor(
    private readonly workerUrl: URL,
    private readonly timeLimitMs: number,
    private readonly onStatus: (status: RunnerStatus) => void,
  ) {}

  /** 'interrupt' when the page is cross-origin isolated (SharedArrayBuffer available), else 'restart'. */
  get mode(): 'interrupt' | 'restart' {
    return globalThis.crossOriginIsolated && typeof SharedArrayBuffer === 'function' ? 'interrupt' : 'restart';
  }

  /** Starts loading Python if it is not loaded or loading already. */
  warmUp(): void {
    if (!this.worker) this.spawn(false);
  }

  private spawn(restart: boolean): void {
    this.control = this.mode === 'interrupt' ? new Int32Array(new SharedArrayBuffer(8)) : undefined;
    const worker = new Worker(this.workerUrl, { type: 'module', name: 'python' });
    this.worker = worker;
    this.loads += 1;
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (message: string): void => {
        if (this.worker === worker) this.discard();
        this.onStatus({ kind: 'failed', message });
        reject(new Error(message));
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const msg = event.data;
        if (msg.type === 'progress') this.onStatus({ kind: 'loading', phase: msg.phase, loaded: msg.loaded, total: msg.total, restart });
        else if (msg.type === 'ready') {
          this.lastLoadMs = msg.loadMs;
          this.onStatus({ kind: 'ready', loadMs: msg.loadMs, restart });
          resolve();
        } else if (msg.type === 'load-failed') fail(msg.message);
        else this.handler?.(msg);
      };
      worker.onerror = (event) => {
        // Before 'ready' this is a failed start; after it, the interpreter died mid-run: end that run too.
        const message = event.message || 'the Python worker stopped unexpectedly';
        const active = this.handler;
        fail(message);
        active?.({ type: 'run-failed', id: this.activeId, message });
      };
    });
    // Nobody may be awaiting yet (a warm-up): the failure is reported through onStatus, not as an unhandled rejection.
    this.ready.catch(() => undefined);
    this.onStatus({ kind: 'loading', phase: 'download', restart });
    worker.postMessage({ type: 'init', control: this.control?.buffer as SharedArrayBuffer | undefined });
  }

  private discard(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.ready = undefined;
    this.handler = undefined;
  }

  /** Throws away the interpreter (whatever it is doing) and starts loading a fresh one straight away. */
  private restart(): void {
    this.discard();
    this.spawn(true);
  }

  async run(code: string, tests: string, h: RunHandlers): Promise<RunOutcome> {
    this.warmUp();
    await this.ready;
    const worker = this.worker!;
    const control = this.control;
    const id = this.nextId++;
    this.activeId = id;
    if (control) {
      // A late interrupt from the previous run must not hit this one.
      Atomics.store(control, INTERRUPT, 0);
      Atomics.store(control, STOP, 0);
    }
    return new Promise<RunOutcome>((resolve) => {
      let names: string[] = [];
      let running: string | undefined;
      const got = new Map<string, TestResult>();
      let limitTimer: ReturnType<typeof setTimeout> | undefined;
      let graceTimer: ReturnType<typeof setTimeout> | undefined;
      const ordered = (): ShownResult[] => [...names.filter((n) => got.has(n)).map((n) => got.get(n)!), ...[...got.values()].filter((r) => !names.includes(r.name))];
      const finish = (outcome: RunOutcome): void => {
        clearTimeout(limitTimer);
        clearTimeout(graceTimer);
        if (this.worker === worker) this.handler = undefined;
        resolve(outcome);
      };
      const onTimeout = (): void => {
        const outcome = { results: timedOutResults(names, got, running, this.timeLimitMs), timedOut: true };
        if (!control) {
          this.restart();
          return finish(outcome);
        }
        Atomics.store(control, STOP, 1);
        Atomics.store(control, INTERRUPT, SIGINT);
        this.handler = (msg) => {
          if ((msg.type === 'done' || msg.type === 'run-failed') && msg.id === id) finish(outcome);
        };
        graceTimer = setTimeout(() => {
          this.restart();
          finish(outcome);
        }, INTERRUPT_GRACE_MS);
      };
      this.handler = (msg) => {
        if (!('id' in msg) || msg.id !== id) return;
        switch (msg.type) {
          case 'started':
            names = msg.names;
            h.onPlan(names);
            limitTimer = setTimeout(onTimeout, this.timeLimitMs);
            break;
          case 'plan':
            names = msg.names;
            h.onPlan(names);
            break;
          case 'start':
            running = msg.name;
            h.onStart(msg.name);
            break;
          case 'result':
            got.set(msg.result.name, msg.result);
            running = undefined;
            h.onResult(msg.result);
            break;
          case 'done':
            finish({ results: ordered(), timedOut: false });
            break;
          case 'run-failed':
            this.restart();
            finish({ results: ordered(), timedOut: false, error: msg.message });
            break;
        }
      };
      worker.postMessage({ type: 'run', id, code, tests });
    });
  }
}

/**
 * Results when the time ran out: finished tests keep their result; the one that was running (or, if none had
 * started, every test: the code itself never finished loading) shows the timeout; the rest did not run.
 */
export function timedOutResults(names: string[], got: Map<string, TestResult>, running: string | undefined, limitMs: number): ShownResult[] {
  const message = `timed out after ${formatSeconds(limitMs)}`;
  const noneStarted = running === undefined && got.size === 0;
  const culprit = running ?? names.find((n) => !got.has(n));
  return names.map((name): ShownResult => {
    const r = got.get(name);
    if (r) return r;
    if (noneStarted || name === culprit) return { name, status: 'timeout', message };
    return { name, status: 'not-run', message: 'not run: the time limit was reached' };
  });
}
