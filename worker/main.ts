/**
 * The worker process: config -> database -> migrations -> wait for runs. The run-queue loop plugs in here.
 */
import { hostname } from 'node:os';
import { ConfigError, loadConfig } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { createLlm } from '../src/llm/index.js';
import { createLogger } from '../src/logging/logger.js';
import { onShutdownSignal } from '../src/shutdown.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config, 'worker');
  if (!config.databaseUrl) {
    // Two processes cannot share one embedded data folder; `npm start` starts Postgres once and passes the URL.
    log.fatal('DATABASE_URL is unset. Run the worker through `npm start`, or point DATABASE_URL at Postgres.');
    process.exit(2);
  }
  const db = await openDatabase(config, { applicationName: 'bench-worker' });
  await migrate(db.pool);
  // Benchmark runs and queued reviews call the LLM layer; the run handlers receive this one instance.
  const llm = createLlm({ config, pool: db.pool, logger: log.child({ component: 'llm' }) });
  log.info(
    { host: hostname(), pid: process.pid, concurrency: config.worker.concurrency, llmProviders: llm.providers().filter((p) => p.enabled).map((p) => p.name) },
    'worker ready',
  );

  // Keeps the event loop alive until a signal arrives; the run queue replaces this with its claim loop.
  const idle = setInterval(() => {}, 60_000);
  onShutdownSignal(async () => {
    log.info('worker stopping');
    clearInterval(idle);
    await db.close();
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
