// Grader child: one process grades exactly one attempt, then exits.
//
// The parent starts this file as
//   [unshare -n --] node --experimental-permission --allow-fs-read=<few paths>
//        --disallow-code-generation-from-strings child.js '<ChildConfig JSON>'
// with an empty environment (see spawn.ts). Inside, the order matters:
//   1. capture the few host functions we need (before anything can patch them)
//   2. shim process.binding('constants') so Pyodide's loader works under the
//      permission model, load Pyodide, load the runner (runner.py)
//   3. strip escape-relevant globals (JS) and js/pyodide_js (Python)
//   4. report ready, read one request from stdin, run the cases one by one, report each on fd 3, exit.
import fs from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import type { PyodideInterface } from 'pyodide';
import type { ChildConfig, ChildMessage, ChildRequest } from './protocol.js';

// 1. Captured up front: if user code ever reached JS it could reassign
// globals, but not these module-scope bindings.
const writeSync = fs.writeSync;
const readFileSync = fs.readFileSync;
const stringify = JSON.stringify;
const exit = process.exit.bind(process);
const now = () => performance.now();
const PROTOCOL_FD = 3;
const SNAPSHOT_FD = 4;

function writeAll(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off);
    } catch (e) {
      // Pipes can be non-blocking; spin on EAGAIN rather than drop a message.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}
function send(msg: ChildMessage): void {
  writeAll(PROTOCOL_FD, Buffer.from(stringify(msg) + '\n'));
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;

// 2. Pyodide's Emscripten NODEFS does `process.binding('constants').fs` at
// init. The permission model denies process.binding entirely, so answer that
// one call from the public modules and refuse every other binding name.
const constants = { fs: fs.constants, os: os.constants, crypto: {}, zlib: {}, trace: {} };
(process as unknown as { binding: (n: string) => unknown }).binding = (name: string) => {
  if (name === 'constants') return constants;
  throw new Error(`process.binding('${name}') is not available in the grader`);
};

async function boot(): Promise<{ py: PyodideInterface; loadMs: number; fromSnapshot: boolean }> {
  const t0 = now();
  const mod = (await import(pathToFileURL(`${config.pyodideDir}/pyodide.mjs`).href)) as typeof import('pyodide');
  const snapshot = config.snapshotPath ? readFileSync(config.snapshotPath) : undefined;
  const py = await mod.loadPyodide({
    indexURL: config.pyodideDir + '/',
    // `import js` gives Python this object instead of globalThis.
    jsglobals: {},
    env: { HOME: '/home/pyodide' },
    packages: [],
    // input() sees EOF rather than blocking on the parent's pipe.
    stdin: (() => null) as unknown as () => string,
    ...(config.makeSnapshot ? { _makeSnapshot: true } : {}),
    ...(snapshot ? { _loadSnapshot: snapshot } : {}),
  });
  return { py, loadMs: Math.round(now() - t0), fromSnapshot: !!snapshot };
}

// 3a. JS side: remove what could reach the network, other processes or
// native code. The permission model (fs, child_process, worker, addons) and
// the network namespace are the real boundary; this is defence in depth.
function hardenJs(): void {
  const g = globalThis as Record<string, unknown>;
  for (const name of ['fetch', 'WebSocket', 'XMLHttpRequest', 'EventSource', 'require', 'module',
    'Request', 'Response', 'Headers', 'FormData', 'BroadcastChannel', 'Worker', 'SharedArrayBuffer']) {
    try { delete g[name]; } catch { /* non-configurable: leave it */ }
  }
  const p = process as unknown as Record<string, unknown>;
  const refuse = (what: string) => () => { throw new Error(`${what} is not available in the grader`); };
  for (const name of ['binding', '_linkedBinding', 'dlopen', 'kill', '_kill', 'chdir', 'setuid', 'setgid',
    'seteuid', 'setegid', 'setgroups', 'initgroups', '_debugProcess', '_startProfilerIdleNotifier']) {
    if (name in p) p[name] = refuse(`process.${name}`);
  }
  // No secrets arrive here (env is empty), but make it explicit.
  p.env = {};
}

// 3b. Python side: Pyodide registers `js` (now our empty jsglobals) and
// `pyodide_js` (the whole Pyodide API, whose JsProxies lead back to JS).
// Unregister both, drop the FFI-facing modules from sys.modules and make
// re-import fail. Objects already held by Pyodide internals remain reachable
// through gc; --disallow-code-generation-from-strings is what makes a stray
// JsProxy useless for `constructor.constructor('return process')()`.
const PY_HARDEN = `
import sys
for _name in [n for n in list(sys.modules) if n == "js" or n.startswith("pyodide") or n == "_pyodide_core"]:
    del sys.modules[_name]
for _name in ("js", "pyodide_js", "pyodide", "pyodide.ffi", "pyodide.code", "pyodide.http",
              "pyodide.webloop", "pyodide.console", "pyodide_js._api", "_pyodide_core", "micropip"):
    sys.modules[_name] = None
sys.meta_path[:] = [f for f in sys.meta_path if "Js" not in type(f).__name__]
del _name

# Emscripten implements system() with Node's child_process; the permission
# model refuses it, but as a fatal Pyodide error that kills the child. Refuse
# in Python instead so the user gets a readable exception.
import os, posix
def _no_programs(*args, **kwargs):
    raise PermissionError("running other programs is not allowed in the grader")
for _mod in (os, posix):
    for _fn in ("system", "popen", "execv", "execve", "fork", "posix_spawn", "posix_spawnp", "spawnv"):
        if hasattr(_mod, _fn):
            setattr(_mod, _fn, _no_programs)
del _mod, _fn

# ctypes reaches native calls: ctypes.CDLL(None) opens the running module,
# whose exports include the Emscripten glue that calls Node's spawnSync, and
# only the permission model stops that. Take it away like the FFI above. The
# C half is a built-in module, so the built-in importer refuses it too; a
# determined script can still find the original through introspection, which
# is why the permission model stays the boundary.
_native = frozenset(("ctypes", "_ctypes"))
for _name in [n for n in list(sys.modules) if n.split(".")[0] in _native]:
    del sys.modules[_name]
for _name in _native:
    sys.modules[_name] = None
import _imp
def _create_builtin(spec, _create=_imp.create_builtin, _refused=_native):
    if spec.name in _refused:
        raise ImportError(spec.name + " is not available in the grader", name=spec.name)
    return _create(spec)
_imp.create_builtin = _create_builtin
del _name, _native, _create_builtin
`;

const PY_LOAD_RUNNER = `
import sys, types
_m = types.ModuleType("bench_runner")
_m.__file__ = "runner.py"
exec(compile(_runner_src, "runner.py", "exec"), _m.__dict__)
sys.modules["bench_runner"] = _m
`;

/** Most a case's report may hold before it is refused (the runner caps its own; this holds if the runner is replaced). */
const MAX_REPORT_CHARS = 512 * 1024;

/**
 * Python's answer for a case, checked and rebuilt here: the submission may have replaced the runner's functions,
 * so the string is untrusted. Only the known fields of the right types survive, and the message written to fd 3 is
 * serialised by this file, so no text from Python can add a line of its own.
 */
function parseReport(raw: unknown, isLoad = false): { stdout: string; outputs?: unknown[]; error?: string } {
  if (typeof raw !== 'string' || raw.length > MAX_REPORT_CHARS) return { stdout: '', error: 'the case produced a report that is too large or malformed' };
  let v: unknown;
  try { v = JSON.parse(raw); } catch { return { stdout: '', error: 'the case produced a malformed report' }; }
  const r = (v ?? {}) as { stdout?: unknown; outputs?: unknown; error?: unknown };
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  if (typeof r.error === 'string') return { stdout, error: r.error };
  if (isLoad) return { stdout };
  if (Array.isArray(r.outputs)) return { stdout, outputs: r.outputs };
  return { stdout, error: 'the case produced a malformed report' };
}

function readRequest(): Promise<ChildRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => {
      chunks.push(c);
      const buf = Buffer.concat(chunks);
      const nl = buf.indexOf(10);
      if (nl >= 0) {
        process.stdin.pause();
        try { resolve(JSON.parse(buf.subarray(0, nl).toString('utf8')) as ChildRequest); } catch (e) { reject(e); }
      }
    });
    process.stdin.on('end', () => reject(new Error('stdin closed before a request arrived')));
  });
}

/**
 * Pyodide's start-up leaves work on the event loop after loadPyodide() resolves, and a request that arrived then
 * waited for it, several times slower than one a moment later (figures: docs/performance.md, Grading). So "ready"
 * waits until a 20 ms window passes with the loop under 5 % busy (at most a second).
 */
async function untilQuiet(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const before = performance.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, 20));
    if (performance.eventLoopUtilization(before).utilization < 0.05) return;
  }
}

async function main(): Promise<void> {
  const { py, loadMs, fromSnapshot } = await boot();

  if (config.makeSnapshot) {
    const bytes = py.makeMemorySnapshot();
    writeAll(SNAPSHOT_FD, bytes);
    send({ t: 'snapshot', bytes: bytes.length });
    exit(0);
  }

  // Python's fd 1/2 (os.write(1, ...), C-level prints) go nowhere; the
  // runner captures sys.stdout per case, which is what users see.
  py.setStdout({ write: (buf: Uint8Array) => buf.length });
  py.setStderr({ write: (buf: Uint8Array) => buf.length });

  const ns = py.globals.get('dict')();
  ns.set('_runner_src', readFileSync(config.harnessPath, 'utf8'));
  py.runPython(PY_LOAD_RUNNER, { globals: ns });
  ns.destroy();
  py.unregisterJsModule('js');
  py.unregisterJsModule('pyodide_js');
  py.runPython(PY_HARDEN);
  hardenJs();

  await untilQuiet();
  send({ t: 'ready', loadMs, rss: process.memoryUsage().rss, fromSnapshot });
  const req = await readRequest();

  // Taken before the submission runs; it may replace the module's functions afterwards, which only changes the
  // strings they return (checked by parseReport). Each case's inputs enter Python only when that case runs, so
  // the submission never holds a later case (and never any expected value: the parent keeps those).
  const driver = py.globals.get('dict')();
  const load = py.runPython('import bench_runner\nbench_runner.load', { globals: driver });
  const runCase = py.runPython('import bench_runner\nbench_runner.run_case', { globals: driver });
  driver.destroy();
  const loaded = parseReport(load(req.code, stringify(req.limits ?? {})), true);
  send({ t: 'loaded', stdout: loaded.stdout, ...(loaded.error !== undefined ? { error: loaded.error } : {}) });
  if (loaded.error === undefined) {
    for (let i = 0; i < req.cases.length; i++) {
      // Sent before Python runs the case: if a limit kills us, the parent knows which case was running.
      send({ t: 'start', i });
      const report = parseReport(runCase(stringify(req.cases[i]!.steps)));
      send({ t: 'out', i, ...report });
    }
  }
  send({ t: 'done' });
  exit(0);
}

main().catch((e: unknown) => {
  try { send({ t: 'fatal', message: String((e as Error)?.stack ?? e).slice(0, 2000) }); } catch { /* parent gone */ }
  exit(70);
});
