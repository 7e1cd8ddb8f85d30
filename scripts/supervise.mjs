// Started by scripts/start.mjs in a process group of its own, so a terminal's Ctrl-C reaches only start.mjs, which
// asks us to stop in order: web and worker first (the worker still needs the database to hand its runs back),
// then Postgres. If start.mjs dies without asking, the IPC channel closes and we stop everything too.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const { loadConfig, ConfigError } = await import('../dist/src/config.js');
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}

const env = { ...process.env };
let embedded;
if (!config.databaseUrl) {
  const { startEmbeddedPostgres, ensureDatabase } = await import('../dist/src/db/embedded.js');
  const dir = join(resolve(root, config.dataDir), 'postgres');
  console.log(`[start] embedded Postgres: ${dir}`);
  embedded = await startEmbeddedPostgres({ dir, persistent: true });
  env.DATABASE_URL = await ensureDatabase(embedded.url, 'bench');
}

// Apply migrations once before either process starts, so their boot logs are not interleaved with it.
const { createPool } = await import('../dist/src/db/pool.js');
const { migrate } = await import('../dist/src/db/migrate.js');
const pool = createPool(env.DATABASE_URL, { max: 1 });
try {
  const { applied } = await migrate(pool, { log: (m) => console.log(`[start] ${m}`) });
  if (applied.length === 0) console.log('[start] database schema is up to date');
} catch (err) {
  console.error(`[start] ${err.message}`);
  await pool.end();
  await embedded?.stop();
  process.exit(1);
} finally {
  await pool.end().catch(() => {});
}

// In a terminal, the processes' JSON log lines are shown readably (pino-pretty, a dev dependency: `npm start` is
// the local way to run Bench); anything else (CI, a pipe, a file) gets the JSON untouched.
let pretty = null;
if (process.stdout.isTTY) {
  try {
    const { prettyFactory } = await import('pino-pretty');
    pretty = prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true });
  } catch {
    // Not installed (a production install): plain JSON it is.
  }
}
function forward(stream, out) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    let text = `${line}\n`;
    if (line.startsWith('{')) {
      try {
        text = pretty(line);
      } catch {
        // Not a log line after all: as it came.
      }
    }
    out.write(text);
  });
}

// As fly.toml starts them: Sentry's instrument file first (it does nothing without SENTRY_DSN).
const instrument = pathToFileURL(join(root, 'dist', 'src', 'observability', 'instrument.js')).href;
const children = [
  ['web', join(root, 'dist', 'src', 'server.js')],
  ['worker', join(root, 'dist', 'worker', 'main.js')],
].map(([name, file]) => {
  const child = spawn(process.execPath, ['--import', instrument, file], { cwd: root, env, stdio: pretty ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
  if (pretty) {
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
  }
  child.name = name;
  return child;
});

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (c) =>
        new Promise((res) => {
          if (c.exitCode !== null || c.signalCode !== null) return res();
          c.once('close', res); // 'close', not 'exit': its last log lines have been forwarded by then
          c.kill('SIGTERM');
        }),
    ),
  );
  if (embedded) {
    console.log('[start] stopping embedded Postgres');
    await embedded.stop().catch((e) => console.error(e));
  }
  process.exit(code);
}

for (const c of children) {
  c.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[start] ${c.name} exited (${signal ?? code}); stopping everything`);
    void stopAll(code || 1);
  });
}
process.on('SIGTERM', () => {
  console.log('[start] stopping web, worker and Postgres');
  void stopAll(0);
});
process.on('disconnect', () => void stopAll(1));
