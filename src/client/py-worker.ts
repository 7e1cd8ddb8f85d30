/**
 * The Pyodide Web Worker (/assets/py-worker.js, a module worker). Loads Python from our own origin, reporting
 * download progress, then runs the user's code on the visible test cases through the same runner.py the grader
 * uses and judges each output with the same judge (src/practice/judge.ts), posting each event as it happens so the
 * page knows which case was running if it has to stop us. Same cases, same runner, same judge: what Run shows for
 * a visible case is what the server's grade says about it.
 *
 * Stopping: when the page is cross-origin isolated it hands us a SharedArrayBuffer; slot INTERRUPT is Pyodide's
 * interrupt buffer (KeyboardInterrupt inside a runaway loop) and slot STOP tells this loop not to start another test.
 * Otherwise the page simply terminates this worker and starts a new one. This is convenience, not a sandbox:
 * the authoritative grading happens on the server.
 */
import type { PyodideInterface, loadPyodide as LoadPyodide } from 'pyodide';
import runnerSource from '../practice/harness/runner.py';
import { judgeCase, type TestCase } from '../practice/judge.js';
import { INTERRUPT, STOP, type FromWorker, type ToWorker } from './protocol.js';

/** The few members of DedicatedWorkerGlobalScope we use (the WebWorker lib cannot share a program with DOM). */
interface WorkerScope {
  postMessage(message: FromWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToWorker>) => void): void;
  fetch: typeof fetch;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromWorker): void => scope.postMessage(message);

// Next to this script: /assets/pyodide/. Same origin, never a CDN.
const indexURL = new URL('./pyodide/', import.meta.url).href;

interface Runner {
  load: (code: string, limits: string) => string;
  run_case: (steps: string) => string;
}

let control: Int32Array | undefined;
let loading: Promise<{ pyodide: PyodideInterface; runner: Runner }> | undefined;

/**
 * Wraps fetch while Pyodide loads so the page can show real download progress: the two big files' bodies pass
 * through a counting stream (headers kept, so the wasm still streams into WebAssembly.instantiateStreaming). The
 * total comes from the build, because a compressed response's Content-Length is not the size we count.
 */
function countingFetch(original: typeof fetch): typeof fetch {
  const total = __PYODIDE_DOWNLOAD_BYTES__;
  let loaded = 0;
  let lastPost = 0;
  // Booting starts once both big files are in; from then on the phase is 'start' (no flicker back to download).
  const pending = new Set(['pyodide.asm.wasm', 'python_stdlib.zip']);
  const report = (force: boolean): void => {
    const now = performance.now();
    if (pending.size === 0 || (!force && now - lastPost < 100)) return;
    lastPost = now;
    post({ type: 'progress', phase: 'download', loaded: Math.min(loaded, total), total });
  };
  return async (input, init) => {
    const res = await original(input, init);
    const file = new URL(res.url).pathname.split('/').pop() ?? '';
    if (!res.ok || !res.body || !pending.has(file)) return res;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.byteLength;
        report(false);
        controller.enqueue(chunk);
      },
      flush() {
        report(true);
        if (pending.delete(file) && pending.size === 0) post({ type: 'progress', phase: 'start' });
      },
    });
    return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function load(): Promise<{ pyodide: PyodideInterface; runner: Runner }> {
  post({ type: 'progress', phase: 'download', loaded: 0, total: __PYODIDE_DOWNLOAD_BYTES__ });
  const original = scope.fetch;
  scope.fetch = countingFetch(original.bind(scope));
  let pyodide: PyodideInterface;
  try {
    const mod = (await import(/* a runtime URL, not bundled */ `${indexURL}pyodide.mjs`)) as { loadPyodide: typeof LoadPyodide };
    pyodide = await mod.loadPyodide({ indexURL, fullStdLib: false });
  } finally {
    scope.fetch = original;
  }
  // input() has nobody to ask: make it fail at once instead of blocking.
  pyodide.setStdin({ error: true });
  if (control) pyodide.setInterruptBuffer(new Int32Array(control.buffer, INTERRUPT * 4, 1));
  pyodide.FS.mkdirTree('/bench');
  pyodide.FS.writeFile('/bench/bench_runner.py', runnerSource);
  pyodide.runPython("import sys\nif '/bench' not in sys.path: sys.path.insert(0, '/bench')");
  return { pyodide, runner: pyodide.pyimport('bench_runner') as unknown as Runner };
}

function stopRequested(): boolean {
  return control !== undefined && Atomics.load(control, STOP) !== 0;
}

function report(text: string): { stdout: string; outputs?: unknown[]; error?: string } {
  const r = JSON.parse(text) as { stdout?: string; outputs?: unknown[]; error?: string };
  return { stdout: r.stdout ?? '', ...(r.error !== undefined ? { error: r.error } : { outputs: r.outputs ?? [] }) };
}

function run(pyodide: PyodideInterface, id: number, code: string, tests: string): void {
  const cases = JSON.parse(tests) as TestCase[];
  const names = cases.map((c) => c.name);
  post({ type: 'started', id, names });
  post({ type: 'plan', id, names });
  try {
    // A fresh runner module per Run, so the previous Run's code leaves nothing behind in it.
    pyodide.runPython("import sys, importlib\nimportlib.reload(sys.modules['bench_runner'])");
    const runnerNow = pyodide.pyimport('bench_runner') as unknown as Runner;
    const loaded = report(runnerNow.load(code, '{}'));
    for (const c of cases) {
      if (stopRequested()) return post({ type: 'done', id, stopped: true });
      post({ type: 'start', id, name: c.name });
      const out = loaded.error !== undefined ? loaded : report(runnerNow.run_case(JSON.stringify(c.steps)));
      post({ type: 'result', id, result: judgeCase(c, out) });
    }
    post({ type: 'done', id, stopped: false });
  } catch (err) {
    // A KeyboardInterrupt that escaped the runner (e.g. raised between two cases) is still just "stopped".
    if (stopRequested() || (err as { type?: string }).type === 'KeyboardInterrupt') post({ type: 'done', id, stopped: true });
    else post({ type: 'run-failed', id, message: err instanceof Error ? err.message : String(err) });
  }
}

scope.addEventListener('message', (event) => {
  const msg = event.data;
  if (msg.type === 'init') {
    if (msg.control) control = new Int32Array(msg.control);
    loading = load();
    loading.then(
      () => post({ type: 'ready', loadMs: Math.round(performance.now()), interrupts: control !== undefined }),
      (err: unknown) => post({ type: 'load-failed', message: err instanceof Error ? err.message : String(err) }),
    );
  } else if (msg.type === 'run') {
    void loading?.then(({ pyodide }) => run(pyodide, msg.id, msg.code, msg.tests));
  }
});
