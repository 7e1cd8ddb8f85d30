// Escape probes against real grader children. Each probe is user code that
// tries to reach something outside the sandbox; each test asserts the
// observable that would prove it got there did not happen.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGraderPool, type GradeResult } from '../../../dist/worker/grader/index.js';

const SECRET = `sekrit-${randomBytes(8).toString('hex')}`;
// The parent (this test process) holds the secret; children must not see it.
process.env.BENCH_SECRET = SECRET;
const quiet = { info() {}, warn() {} };
const ONE_TEST = [{ name: 'probe', visible: true, steps: [{ call: 'probe' }], expected: [null] }];

/** User code defining probe(); each attempt is printed so a leak would show in stdout. */
function probeCode(body: string): string {
  const lines = body.trim().split('\n').map((l) => '    ' + l).join('\n');
  return `def attempt(label, fn):\n    try:\n        print(label, "->", repr(fn())[:500])\n    except BaseException as e:\n        print(label, "!!", type(e).__name__, str(e)[:300])\n\ndef probe():\n${lines}\n`;
}
const everything = (r: GradeResult) => JSON.stringify(r);

// JsProxies Python can still find via gc even though js/pyodide_js are gone.
const JSPROXY_FINDERS = `
import gc, types
mods = {o.__name__: o for o in gc.get_objects() if isinstance(o, types.ModuleType)}
proxies = []
ffi = mods.get("pyodide.ffi")
if ffi: proxies.append(("to_js", ffi.to_js([1])))
wl = mods.get("pyodide.webloop")
if wl: proxies.append(("scheduleCallback", getattr(wl, "scheduleCallback", None)))
pl = mods.get("pyodide._package_loader")
if pl: proxies.append(("loadedPackages", getattr(pl, "loadedPackages", None)))
print("found", [n for n, p in proxies if p is not None])
for name, p in proxies:
    if p is None: continue
    attempt(name + " ctor", lambda: p.constructor.constructor("return process.env")())
    attempt(name + " proc", lambda: p.constructor.constructor("return globalThis.process.mainModule")())
    attempt(name + " cp", lambda: p.constructor.constructor("return process.binding('spawn_sync')")())
`;

describe('grader escape probes', () => {
  let pool: ReturnType<typeof createGraderPool>;
  const servers: net.Server[] = [];
  const accepted: Record<string, number> = { web: 0, db: 0 };
  const ports: Record<string, number> = {};
  const marker = join(tmpdir(), `bench-escape-${randomBytes(6).toString('hex')}`);

  beforeAll(async () => {
    for (const name of ['web', 'db']) {
      const srv = net.createServer((s) => { accepted[name]!++; s.destroy(); });
      await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
      ports[name] = (srv.address() as net.AddressInfo).port;
      servers.push(srv);
    }
    pool = createGraderPool({ size: 1, timeLimitMs: 10_000, memoryLimitMb: 400, logger: quiet });
    await pool.whenWarm();
  }, 60_000);
  afterAll(async () => {
    await pool?.close();
    for (const s of servers) s.close();
  });

  it('cannot import js or pyodide_js', async () => {
    const r = await pool.grade({ code: probeCode(`
attempt("import js", lambda: __import__("js"))
attempt("import pyodide_js", lambda: __import__("pyodide_js"))
attempt("import pyodide.ffi", lambda: __import__("pyodide.ffi"))
attempt("import _pyodide_core", lambda: __import__("_pyodide_core"))`), cases: ONE_TEST });
    const out = r.tests[0]!.stdout;
    for (const m of ['js', 'pyodide_js', 'pyodide.ffi', '_pyodide_core']) expect(out).toContain(`import ${m} !! ModuleNotFoundError`);
  }, 120_000);

  it('cannot turn any reachable JsProxy into JS code (constructor chain)', async () => {
    const r = await pool.grade({ code: probeCode(JSPROXY_FINDERS), cases: ONE_TEST });
    const out = r.tests[0]!.stdout;
    expect(out).toMatch(/found \[.*'to_js'/); // the probe really had a JsProxy to work with
    expect(out).toContain('EvalError');
    expect(out).not.toMatch(/ctor ->|proc ->|cp ->/);
    expect(everything(r)).not.toContain(SECRET);
  }, 120_000);

  it('sees no parent environment and no host /proc', async () => {
    const r = await pool.grade({ code: probeCode(`
import os
attempt("environ", lambda: dict(os.environ))
attempt("self environ", lambda: open("/proc/self/environ").read())
attempt("parent environ", lambda: open("/proc/${process.pid}/environ").read())
attempt("parent cmdline", lambda: open("/proc/${process.pid}/cmdline").read())
attempt("host passwd", lambda: open("/etc/passwd").read())`), cases: ONE_TEST });
    const out = r.tests[0]!.stdout;
    expect(out).toContain('environ ->'); // os.environ itself is readable, just empty of host values
    expect(out).toMatch(/self environ !! FileNotFoundError/);
    expect(out).toMatch(/parent environ !! FileNotFoundError/);
    expect(out).toMatch(/host passwd !! FileNotFoundError/);
    expect(everything(r)).not.toContain(SECRET);
    expect(everything(r)).not.toContain('BENCH_SECRET');
  }, 120_000);

  it('cannot open a TCP connection to the app or the database', async () => {
    // The counting listeners prove no connection landed; the test run's real Postgres is tried as well.
    const pgPort = Number(new URL(inject('pgAdminUrl')).port || 5432);
    const r = await pool.grade({ code: probeCode(`
import socket, urllib.request
attempt("postgres socket", lambda: socket.create_connection(("127.0.0.1", ${pgPort}), timeout=1))
for name, port in (("web", ${ports.web}), ("db", ${ports.db})):
    attempt(name + " socket", lambda: socket.create_connection(("127.0.0.1", port), timeout=1))
    attempt(name + " http", lambda: urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=1).read())`), cases: ONE_TEST });
    await new Promise((res) => setTimeout(res, 300)); // let any late connect land
    expect(r.tests[0]!.stdout).toContain('postgres socket !!');
    expect(r.tests[0]!.stdout).not.toMatch(/socket ->/);
    expect(accepted).toEqual({ web: 0, db: 0 });
  }, 120_000);

  it('without unshare, the in-process layers still refuse the network', async () => {
    const open = createGraderPool({ size: 1, timeLimitMs: 10_000, memoryLimitMb: 400, networkIsolation: 'off', logger: quiet, useSnapshot: false });
    try {
      const r = await open.grade({ code: probeCode(`
import socket
attempt("db socket", lambda: socket.create_connection(("127.0.0.1", ${ports.db}), timeout=1))
${JSPROXY_FINDERS.replaceAll('process.env', "import('node:net')")}`), cases: ONE_TEST });
      await new Promise((res) => setTimeout(res, 300));
      expect(r.tests[0]!.stdout).not.toMatch(/socket ->/);
      expect(accepted).toEqual({ web: 0, db: 0 });
    } finally {
      await open.close();
    }
  }, 60_000);

  it('cannot spawn processes (subprocess, os.system, os.popen, JS child_process)', async () => {
    const r = await pool.grade({ code: probeCode(`
import os, subprocess
attempt("subprocess", lambda: subprocess.run(["/usr/bin/touch", "${marker}-sp"]))
attempt("os.system", lambda: os.system("touch ${marker}-sys"))
attempt("os.popen", lambda: os.popen("touch ${marker}-popen").read())
import posix
attempt("posix.system", lambda: posix.system("touch ${marker}-posix"))
${JSPROXY_FINDERS.replaceAll('process.env', `process.mainModule.require('child_process').execSync('touch ${marker}-js')`)}`), cases: ONE_TEST });
    const out = r.tests[0]!.stdout;
    expect(out).toMatch(/os.system !! PermissionError/);
    for (const suffix of ['-sp', '-sys', '-popen', '-posix', '-js']) expect(existsSync(marker + suffix)).toBe(false);
  }, 120_000);

  it('cannot reach native calls through ctypes (import, importlib, the built-in importer, the stdlib source)', async () => {
    const r = await pool.grade({ code: probeCode(`
import importlib, importlib.machinery, importlib.util, sys
def from_builtin():
    spec = importlib.machinery.BuiltinImporter.find_spec("_ctypes")
    return importlib.util.module_from_spec(spec) if spec else "no spec"
def from_source():
    spec = importlib.machinery.PathFinder.find_spec("ctypes", sys.path)
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m.CDLL(None)
attempt("import ctypes", lambda: __import__("ctypes").CDLL(None))
attempt("import _ctypes", lambda: __import__("_ctypes"))
attempt("import_module", lambda: importlib.import_module("ctypes").CDLL(None))
attempt("builtin importer", from_builtin)
attempt("stdlib source", from_source)`), cases: ONE_TEST });
    const out = r.tests[0]!.stdout;
    for (const label of ['import ctypes', 'import _ctypes', 'import_module', 'builtin importer', 'stdlib source']) {
      expect(out).toMatch(new RegExp(`${label} !! (ImportError|ModuleNotFoundError)`));
    }
    expect(out).not.toContain('CDLL');
    expect(out).not.toContain('_ctypes from');
  }, 120_000);

  it('cannot write files on the host, including the runner', async () => {
    const runner = join(import.meta.dirname, '..', '..', '..', 'src', 'practice', 'harness', 'runner.py');
    const before = createHash('sha256').update(readFileSync(runner)).digest('hex');
    const r = await pool.grade({ code: probeCode(`
import os
attempt("tmp write", lambda: open("${marker}-w", "w").write("pwned"))
attempt("tmp exists inside", lambda: os.path.exists("${marker}-w"))
attempt("runner append", lambda: open("${runner}", "a").write("raise SystemExit"))`), cases: ONE_TEST });
    expect(r.tests[0]!.stdout).toContain('tmp write -> 5'); // it "worked" in the in-memory FS...
    expect(existsSync(marker + '-w')).toBe(false); // ...which is not the host's
    expect(createHash('sha256').update(readFileSync(runner)).digest('hex')).toBe(before);
  }, 120_000);

  it('cannot tamper with the next attempt (builtins, runner module, globals)', async () => {
    const tamper = `
import builtins, sys, json
builtins.len = lambda x: 0
builtins.LEFTOVER = "from the previous attempt"
r = sys.modules["bench_runner"]
r.run_case = lambda steps: '{"outputs": [3], "stdout": ""}'
json.dumps = lambda *a, **k: '{"outputs": [3], "stdout": ""}'
open("/tmp/runner.py", "w").write("def run_case(*a): return []")
sys.path.insert(0, "/tmp")
def add(a, b):
    return a - b
`;
    const addCase = { name: 'small', visible: true, steps: [{ call: 'add', args: [1, 2] }], expected: [3] };
    await pool.grade({ code: tamper, cases: [addCase] });
    const wrong = await pool.grade({
      code: 'import builtins\ndef add(a, b):\n    return a - b\ndef clean():\n    return [len([1, 2]), hasattr(builtins, "LEFTOVER")]\n',
      cases: [addCase, { name: 'clean', visible: true, steps: [{ call: 'clean' }], expected: [[2, false]] }],
    });
    expect(wrong.status).toBe('failed');
    expect(wrong.tests[0]).toMatchObject({ name: 'small', status: 'fail', expected: '3', actual: '-1' });
    expect(wrong.tests[1]).toMatchObject({ name: 'clean', status: 'pass' });
  }, 120_000);
});
