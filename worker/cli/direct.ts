/**
 * Direct mode: the CLI on the configured database (DATABASE_URL, else the embedded Postgres `npm start` uses,
 * attached to when it is already running). Runs are created by the same createRuns as the form and the API, as the
 * local operator (the identity "Sign in locally" uses), so they show on /bench for admins. While waiting, a queued
 * run that no live worker will take is executed in this process (worker/one-run.ts).
 */
import type { Logger } from 'pino';
import { LOCAL_OPERATOR_ID } from '../../src/auth/access.js';
import type { CurrentUser } from '../../src/auth/current-user.js';
import { upsertUser } from '../../src/auth/queries.js';
import { CreateRunError, createRuns } from '../../src/bench/create.js';
import { BENCH_RUN_KIND } from '../../src/bench/kinds.js';
import { itemsJsonl, runSummary } from '../../src/bench/service.js';
import type { Config } from '../../src/config.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { AppError } from '../../src/errors.js';
import { createLlm } from '../../src/llm/index.js';
import { loadBank } from '../../src/practice/bank.js';
import { syncBank } from '../../src/practice/bank-sync.js';
import { anyWorkerAliveFor, sweepLostRuns } from '../../src/runs/worker-queries.js';
import { startOneRun, type OneRun } from '../one-run.js';
import { optionFor } from './args.js';
import { RefusedError, type Backend } from './backend.js';

const OPERATOR: CurrentUser = { id: LOCAL_OPERATOR_ID, email: 'operator@localhost', displayName: 'Local operator', isAdmin: true };

/** A worker that heartbeated this recently is alive (each touches its row about once a second). */
const WORKER_FRESH_S = 10;

async function refusing<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CreateRunError) throw new RefusedError(`${optionFor(err.field)}: ${err.message}`);
    if (err instanceof AppError && err.status < 500) throw new RefusedError(err.message);
    throw err;
  }
}

export async function directBackend(config: Readonly<Config>, log: Logger): Promise<Backend> {
  const db = await openDatabase(config, { applicationName: 'bench-cli', attach: true, log: (m) => log.info(m) });
  const { pool } = db;
  await migrate(pool);
  await syncBank(pool, loadBank());
  await upsertUser(pool, OPERATOR);
  // Its start-up notes (a provider without a key is disabled) are for a server's log, not for a command's output.
  const llm = createLlm({ config, pool, logger: log.child({}, { level: log.level === 'info' ? 'info' : 'error' }) });
  let current: OneRun | undefined;
  const announced = new Set<string>();

  async function drive(run: { runId: string; status: string }, say: (line: string) => void): Promise<void> {
    if (current || (run.status !== 'queued' && run.status !== 'running')) return;
    if (await anyWorkerAliveFor(pool, BENCH_RUN_KIND, WORKER_FRESH_S)) return;
    // No worker: nobody else would put back a run whose executor died (an earlier CLI, a crashed worker) either.
    if (run.status === 'running') await sweepLostRuns(pool);
    if (!announced.has(run.runId)) say(`no worker is running: this process executes queue run ${run.runId}`);
    announced.add(run.runId);
    const one = startOneRun({ pool, config, llm, log, runId: run.runId });
    current = one;
    one.done.catch((err) => log.error({ err }, 'in-process run failed')).finally(() => (current = undefined));
  }

  return {
    create: (input) => refusing(() => createRuns({ pool, llm, config }, OPERATOR, input)),
    summary: (id) => refusing(() => runSummary(pool, id, OPERATOR)),
    items: (id, write) =>
      refusing(async () => {
        for await (const text of await itemsJsonl(pool, id, OPERATOR)) write(text);
      }),
    drive,
    stop: () => current?.stop(),
    async close() {
      await current?.done.catch(() => {});
      await db.close();
    },
  };
}
