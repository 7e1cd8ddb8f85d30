/**
 * A Node process started the way Fly starts ours (an argv, an environment, no shell), with waits on what it prints
 * and on its exit: tests wait for the event they mean, never for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { projectRoot } from '../../src/paths.js';

export interface NodeChild {
  proc: ChildProcess;
  output(): string;
  /** Resolves when the output contains `marker`; rejects if the process exits first. */
  printed(marker: string | RegExp): Promise<void>;
  /** The exit code (or 128 + signal number style: null code gives -1). */
  exited: Promise<number>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number>;
}

export function spawnNode(args: string[], opts: { env: Record<string, string | undefined>; cwd?: string }): NodeChild {
  const proc = spawn(process.execPath, args, {
    cwd: opts.cwd ?? projectRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number>((resolve) => proc.on('exit', (code) => resolve(code ?? -1)));
  let done = false;
  void exited.then(() => {
    done = true;
    for (const w of [...waiters]) w();
  });
  const has = (m: string | RegExp) => (typeof m === 'string' ? out.includes(m) : m.test(out));
  return {
    proc,
    output: () => out,
    exited,
    printed(marker) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (has(marker)) {
            waiters.delete(check);
            resolve();
          } else if (done) {
            waiters.delete(check);
            reject(new Error(`process exited before printing ${String(marker)}:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (!done) proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** The port a Fastify server logged in its "Server listening at http://127.0.0.1:PORT" line. */
export function listeningPort(output: string): number {
  const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  if (!m) throw new Error(`no listening line in:\n${output}`);
  return Number(m[1]);
}

/** A loopback port free right now, for a process that must be told its port up front (it does not log it). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}
