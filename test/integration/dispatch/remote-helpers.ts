/**
 * Shared by the remote-dispatch tests: a real in-process worker (claim loop, executor, leases, the bench-run
 * handler wrapped by remote dispatch, the machine sweeper) against the file's database, the fake Fly Machines API and
 * the fake OpenAI-compatible API, both on 127.0.0.1. A dispatched machine runs this build's `run-one` as a child.
 */
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type pg from 'pg';
import { itemsOf } from '../../../src/bench/dataset.js';
import type { RunClaim } from '../../../src/dispatch/dispatcher.js';
import { createPool } from '../../../src/db/pool.js';
import { createLlm } from '../../../src/llm/index.js';
import { createBenchRunHandler } from '../../../worker/handlers/bench-run.js';
import { createRegistry } from '../../../worker/handlers/index.js';
import { createRemoteDispatch } from '../../../worker/remote.js';
import { runOneArgs } from '../../../worker/run-one-args.js';
import { startWorker, type RunningWorker } from '../../../worker/runtime.js';
import type { FakeFly } from '../../fakes/fly-machines.js';
import { testConfig } from '../../helpers/app.js';
import type { TestDatabase } from '../../helpers/db.js';
import { fakeEnv } from '../bench/helpers.js';

export const IMAGE = 'registry.fly.io/your-fly-app:deployment-1';
const envThenRunOne = fileURLToPath(new URL('./fixtures/env-then-run-one.mjs', import.meta.url));

/** The machine runs the real run-one (through a wrapper that first prints the env it got). */
export const realRunOne = (claim: RunClaim) => [process.execPath, envThenRunOne, ...runOneArgs(claim)];
/** A machine whose process exits with `code` without touching the run. */
export const exitsWith = (code: number) => () => [process.execPath, '-e', `process.exit(${code})`];

export function remoteEnv(fly: FakeFly, openaiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return fakeEnv(openaiUrl, {
    BENCH_REMOTE: 'fly',
    FLY_API_TOKEN: fly.token,
    FLY_APP_NAME: fly.app,
    FLY_MACHINES_URL: fly.url,
    FLY_IMAGE_REF: IMAGE,
    BENCH_REMOTE_REGION: 'ams',
    BENCH_REMOTE_GUEST: 'shared:1:1024',
    BENCH_REMOTE_TIME_LIMIT_S: '600',
    BENCH_REMOTE_SWEEP_MS: '200',
    WORKER_RETRY_BASE_MS: '20',
    WORKER_RETRY_MAX_MS: '100',
    ...extra,
  });
}

export interface DispatchWorker {
  worker: RunningWorker;
  pool: pg.Pool;
  /** Everything the worker logged (JSON lines, debug level). */
  logs(): string;
  stop(): Promise<void>;
}

export async function startDispatchWorker(db: TestDatabase, env: Record<string, string>, command: (claim: RunClaim) => string[] = realRunOne): Promise<DispatchWorker> {
  const config = testConfig(db, env);
  if (!config.remote) throw new Error('remoteEnv first');
  let out = '';
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) }));
  // Its own pool, as a worker process has: a held machine slot keeps one of its connections.
  const pool = createPool(db.url, { max: 12 });
  const llm = createLlm({ config, pool, logger: log });
  const local = createBenchRunHandler({ db: pool, llm, code: { gradeCode: () => Promise.reject(new Error('no code items here')) }, resolveItems: itemsOf, pausePollMs: 100 });
  const remote = createRemoteDispatch({ config: { ...config, remote: config.remote }, pool, log, command, slotPollMs: 50 });
  const worker = await startWorker({ pool, databaseUrl: db.url, config: config.worker, registry: createRegistry([remote.wrap(local)]), log, version: 'test' });
  const sweeper = remote.startSweeper();
  return {
    worker,
    pool,
    logs: () => out,
    async stop() {
      sweeper.stop();
      await worker.shutdown();
      await pool.end();
    },
  };
}

/** Resolves when every machine the fake ever made is destroyed. */
export function allDestroyed(fly: FakeFly): boolean {
  return [...fly.machines.values()].every((m) => m.state === 'destroyed');
}
