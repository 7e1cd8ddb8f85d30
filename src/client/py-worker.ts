/**
 * The Pyodide Web Worker (/assets/py-worker.js, a module worker). Loads Python from our own origin, reporting
 * download progress, then runs the user's code against the visible tests through the shared harness, posting each
 * event as it happens so the page knows which test was running if it has to stop us.
 *
 * Stopping: when the page is cross-origin isolated it hands us a SharedArrayBuffer; slot INTERRUPT is Pyodide's
 * interrupt buffer (KeyboardInterrupt inside a runaway loop) and slot STOP tells this loop not to start another test.
 * Otherwise the page simply terminates this worker and starts a new one. This is convenience, not a sandbox:
 * the authoritative grading happens on the server.
 */
import type { PyodideInterface, loadPyodide as LoadPyodide } from 'pyodide';
import harnessSource from '../practice/harness/harness.py';
import { INTERRUPT, STOP, type FromWorker, type TestResult, type ToWorker } from './protocol.js';

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

interface Harness {
  iter_events?: (code: string, tests: string) => PyGenerator;
  run_tests: (code: string, tests: string) => PyProxyLike;
  collect_test_names?: (tests: string) => PyProxyLike;
}
interface PyProxyLike {
  toJs(options?: { dict_converter?: (entries: Iterable<[string, unknown]>) => unknown }): unknown;
  destroy(): void;
}
interface PyGenerator extends PyProxyLike {
  next(): IteratorResult<PyProxyLike, unknown>;
}

let control: Int32Array | undefined;
let loading: Promise<{ pyodide: PyodideInterface; harness: Harness }> | undefined;

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

async function load(): Promise<{ pyodide: PyodideInterface; harness: Harness }> {
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
  pyodide.FS.writeFile('/bench/bench_harness.py', harnessSource);
  pyodide.runPython("import sys\nif '/bench' not in sys.path: sys.path.insert(0, '/bench')");
  const harness = pyodide.pyimport('bench_harness') as unknown as Harness;
  return { pyodide, harness };
}

function plain<T>(proxy: PyProxyLike): T {
  try {
    return proxy.toJs({ dict_converter: Object.fromEntries }) as T;
  } finally {
    proxy.destroy();
  }
}

function stopRequested(): boolean {
  return control !== undefined && Atomics.load(control, STOP) !== 0;
}

type HarnessEvent = { event: 'plan'; names: string[] } | { event: 'start'; name: string } | ({ event: 'result' } & TestResult);

function run(harness: Harness, id: number, code: string, tests: string): void {
  const names = harness.collect_test_names ? plain<string[]>(harness.collect_test_names(tests)) : [];
  post({ type: 'started', id, names });
  let gen: PyGenerator | undefined;
  try {
    if (!harness.iter_events) {
      for (const result of plain<TestResult[]>(harness.run_tests(code, tests))) post({ type: 'result', id, result });
    } else {
      gen = harness.iter_events(code, tests);
      for (;;) {
        if (stopRequested()) return post({ type: 'done', id, stopped: true });
        const step = gen.next();
        if (step.done) break;
        const ev = plain<HarnessEvent>(step.value);
        if (ev.event === 'plan') post({ type: 'plan', id, names: ev.names });
        else if (ev.event === 'start') post({ type: 'start', id, name: ev.name });
        else {
          const { event: _event, ...result } = ev;
          post({ type: 'result', id, result });
        }
      }
    }
    post({ type: 'done', id, stopped: false });
  } catch (err) {
    // A KeyboardInterrupt that escaped the harness (e.g. raised between two tests) is still just "stopped".
    if (stopRequested() || (err as { type?: string }).type === 'KeyboardInterrupt') post({ type: 'done', id, stopped: true });
    else post({ type: 'run-failed', id, message: err instanceof Error ? err.message : String(err) });
  } finally {
    gen?.destroy();
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
    void loading?.then(({ harness }) => run(harness, msg.id, msg.code, msg.tests));
  }
});
