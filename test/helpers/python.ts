/**
 * A Python interpreter for tests that needs nothing but npm: CPython compiled to WebAssembly (Pyodide, already a
 * dependency for the graders), loaded once per test file. run() behaves like `python3 -c script args` fed `stdin`:
 * its own argv, stdin and stdout, and the modules the script imported are forgotten afterwards, so each call starts
 * as a fresh process would. Host directories given to startPython() are visible at the same path inside.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';

export interface Python {
  /** Runs `script` with sys.argv = ['-c', ...args] and `stdin` on sys.stdin; returns what it printed. Throws on error. */
  run(script: string, args: string[], stdin: string): string;
}

const RUNNER = `
import io, sys

def _bench_run(script, argv, stdin):
    modules = set(sys.modules)
    saved = (sys.argv, sys.stdin, sys.stdout, list(sys.path))
    sys.argv, sys.stdin, sys.stdout = ["-c", *argv], io.StringIO(stdin), io.StringIO()
    out = sys.stdout
    try:
        exec(compile(script, "<string>", "exec"), {"__name__": "__main__"})
        return out.getvalue()
    finally:
        sys.argv, sys.stdin, sys.stdout, sys.path[:] = saved
        for name in set(sys.modules) - modules:
            del sys.modules[name]
`;

export async function startPython(hostDirs: string[] = []): Promise<Python> {
  const indexURL = dirname(createRequire(import.meta.url).resolve('pyodide/package.json')) + '/';
  const py: PyodideInterface = await loadPyodide({ indexURL, packages: [] });
  for (const dir of hostDirs) {
    py.FS.mkdirTree(dir);
    py.mountNodeFS(dir, dir);
  }
  py.runPython(RUNNER);
  const runner = py.globals.get('_bench_run') as (script: string, argv: string[], stdin: string) => string;
  return {
    run(script, args, stdin) {
      const argv = py.toPy(args);
      try {
        return runner(script, argv, stdin);
      } finally {
        argv.destroy();
      }
    },
  };
}
