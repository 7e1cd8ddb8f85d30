/**
 * Remote dispatch in the worker (BENCH_REMOTE=fly, docs/dispatch.md): the bench-run handler is wrapped so a run
 * marked remote is dispatched to a Fly Machine (src/dispatch/dispatcher.ts) instead of executed here, and the
 * sweeper of orphaned machines runs every BENCH_REMOTE_SWEEP_MS. The dispatcher's verdict becomes the run's outcome
 * through the executor's usual errors.
 */
import { join } from 'node:path';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config, RemoteConfig } from '../src/config.js';
import { dispatchRun, type RunClaim } from '../src/dispatch/dispatcher.js';
import { FlyMachinesClient } from '../src/dispatch/fly-client.js';
import { machineEnv } from '../src/dispatch/machine-env.js';
import { remoteRunInfo } from '../src/dispatch/queries.js';
import { sweepAndRecord } from '../src/dispatch/sweeper.js';
import { projectRoot } from '../src/paths.js';
import { OutcomeRecordedElsewhereError, PermanentError, RetryableError } from './errors.js';
import { runOneArgs } from './run-one-args.js';
import type { RunHandler } from './handlers/types.js';

export interface RemoteDispatchOptions {
  config: Readonly<Config> & { remote: RemoteConfig };
  pool: pg.Pool;
  log: Logger;
  /** The command a machine runs; by default this build's run-one under this Node (the machine runs the same image). */
  command?: (claim: RunClaim) => string[];
  slotPollMs?: number;
}

/** `node dist/worker/run-one.js <run> --attempt <n> --lease-owner <worker>`: paths valid in the image the machine runs. */
export function defaultRunOneCommand(claim: RunClaim): string[] {
  return [process.execPath, join(projectRoot, 'dist', 'worker', 'run-one.js'), ...runOneArgs(claim)];
}

export function createRemoteDispatch(opts: RemoteDispatchOptions) {
  const { config, pool, log } = opts;
  const remote = config.remote;
  const client = new FlyMachinesClient({
    baseUrl: remote.machinesUrl,
    token: remote.apiToken,
    app: remote.appName,
    onRetry: (info) => log.warn(info, 'Fly Machines API: retrying'),
  });
  const deps = {
    pool,
    client,
    remote,
    maxRunCostUsd: config.bench.maxRunCostUsd,
    envFor: (provider: string) => machineEnv(config, provider),
    command: opts.command ?? defaultRunOneCommand,
    slotPollMs: opts.slotPollMs ?? 1000,
  };

  /** Runs marked remote are dispatched; any other run of this kind is executed here by `local`. */
  function wrap(local: RunHandler): RunHandler {
    return {
      ...local,
      async handle(payload, ctx) {
        const info = await remoteRunInfo(pool, ctx.runId);
        if (!info?.remote) return local.handle(payload, ctx);
        const claim = { runId: ctx.runId, attempt: ctx.attempt, leaseOwner: ctx.leaseOwner };
        const verdict = await dispatchRun(deps, claim, info, ctx);
        if (verdict.kind === 'aborted') throw ctx.signal.reason;
        if (verdict.kind === 'recorded_elsewhere') throw new OutcomeRecordedElsewhereError(`machine ${verdict.machineId}`);
        throw verdict.retryable ? new RetryableError(verdict.message, verdict.code) : new PermanentError(verdict.message, verdict.code);
      },
    };
  }

  /** Sweeps this deployment's orphaned machines every BENCH_REMOTE_SWEEP_MS until stopped. */
  function startSweeper(): { stop(): void } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const sweep = async () => {
      try {
        const r = await sweepAndRecord({ client, db: pool, dispatcher: remote.dispatcher });
        if (r.destroyed.length + r.errors.length + r.gone > 0) log.info({ destroyed: r.destroyed, errors: r.errors, gone: r.gone, kept: r.kept.length }, 'swept orphaned machines');
      } catch (err) {
        log.warn({ err }, 'machine sweep failed; the next one tries again');
      }
    };
    const arm = () => {
      timer = setTimeout(() => void sweep().finally(() => !stopped && arm()), remote.sweepMs);
      timer.unref();
    };
    arm();
    return {
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  return { wrap, startSweeper };
}
