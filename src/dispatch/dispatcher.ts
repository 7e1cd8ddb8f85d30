/**
 * Dispatching one claimed benchmark run to a Fly Machine: the cost guard first, then a cluster-wide machine slot,
 * then one machine's life (machine-run.ts) running `run-one` under this claim's fence, recorded on the run
 * (run_machines and run events). The machine writes the run's items and outcome to Postgres itself; this reads
 * only how the machine ended and whether the run is still where the claim left it, never the machine's logs.
 * It answers with a verdict; the worker's handler turns that into the run's outcome.
 */
import type pg from 'pg';
import type { RemoteConfig } from '../config.js';
import { checkDispatchCost, estimateDispatch, machineCost } from './cost.js';
import { FlyApiError, type FlyMachinesClient } from './fly-client.js';
import { runMachine, type MachineOutcome } from './machine-run.js';
import { recordMachineCreated, recordMachineEnded, runStillAt, type RemoteRunInfo } from './queries.js';
import { acquireMachineSlot } from './slots.js';
import { LABELS } from './sweeper.js';

/** The claim the machine works under: its run-one adopts exactly this fence. */
export interface RunClaim {
  runId: string;
  attempt: number;
  leaseOwner: string;
}

export interface DispatcherDeps {
  pool: pg.Pool;
  client: FlyMachinesClient;
  remote: RemoteConfig;
  maxRunCostUsd: number;
  /** The machine's whole environment for a run of this provider (machine-env.ts, from the worker's Config). */
  envFor(provider: string): Record<string, string>;
  /** The command that runs `run-one` for this claim inside the image. */
  command(claim: RunClaim): string[];
  /** How often a run waiting for a machine slot asks again. */
  slotPollMs: number;
}

export type DispatchVerdict =
  /** The machine recorded the run's outcome itself (or someone else moved the run on): nothing left to write. */
  | { kind: 'recorded_elsewhere'; machineId: string }
  | { kind: 'failed'; retryable: boolean; code: string; message: string }
  /** The signal fired (cancel, lost lease, shutdown): the machine was force-destroyed. */
  | { kind: 'aborted' };

export interface DispatchContext {
  signal: AbortSignal;
  progress(done: number, total: number | null, message?: string): Promise<void>;
}

export async function dispatchRun(deps: DispatcherDeps, claim: RunClaim, info: RemoteRunInfo, ctx: DispatchContext): Promise<DispatchVerdict> {
  const { remote } = deps;
  const estimate = estimateDispatch(remote.guest, remote.timeLimitS, info.estimateUsd);
  const verdict = checkDispatchCost(estimate, { budgetUsd: info.budgetUsd, maxRunCostUsd: deps.maxRunCostUsd });
  if (!verdict.ok) return { kind: 'failed', retryable: false, code: 'dispatch_refused', message: verdict.reason };

  await ctx.progress(0, null, `Waiting for a machine slot (at most ${remote.concurrency} at once)`);
  let slot;
  try {
    slot = await acquireMachineSlot(deps.pool, remote.concurrency, { pollMs: deps.slotPollMs, signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) return { kind: 'aborted' };
    throw err;
  }
  let outcome: MachineOutcome;
  const stop = machineStopSignal(deps, claim, ctx.signal);
  try {
    outcome = await runMachine(deps.client, machineSpec(deps, claim, info), {
      deadline: Date.now() + remote.timeLimitS * 1000,
      signal: stop.signal,
      onCreated: async (m) => {
        await recordMachineCreated(deps.pool, {
          machineId: m.id, runId: claim.runId, attempt: claim.attempt, dispatcherWorker: claim.leaseOwner, region: m.region, guest: remote.guest,
        });
        await ctx.progress(0, null, `Running on machine ${m.id} (${m.region})`);
      },
    });
  } catch (err) {
    if (err instanceof FlyApiError) return { kind: 'failed', retryable: err.retryable, code: `fly_${err.action}_${err.status}`, message: err.message };
    throw err;
  } finally {
    stop.dispose();
    await slot.release();
  }
  await recordEnd(deps, outcome);
  return judge(deps, claim, outcome);
}

/**
 * When to force-destroy the machine early. A cancel or a shutdown aborts the handler while the run is still ours at
 * this attempt: the machine is stopped now. A lost lease means the run moved on without us (usually because the
 * machine itself recorded the outcome, or a sweep gave the run to another worker): the machine finds that out at its
 * own next fenced write and exits, so it is left to stop by itself (the deadline still holds).
 */
function machineStopSignal(deps: DispatcherDeps, claim: RunClaim, signal: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const stop = new AbortController();
  const onAbort = () => {
    runStillAt(deps.pool, claim.runId, claim.attempt).then(
      (ours) => ours && stop.abort(signal.reason),
      () => stop.abort(signal.reason), // the database cannot tell: stop the machine rather than leave it unwatched
    );
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return { signal: stop.signal, dispose: () => signal.removeEventListener('abort', onAbort) };
}

function machineSpec(deps: DispatcherDeps, claim: RunClaim, info: RemoteRunInfo) {
  const { remote } = deps;
  return {
    image: remote.imageRef,
    cmd: deps.command(claim),
    env: deps.envFor(info.provider),
    guest: remote.guest,
    ...(remote.region ? { region: remote.region } : {}),
    labels: { app: remote.appName, [LABELS.dispatcher]: remote.dispatcher, [LABELS.runId]: claim.runId, [LABELS.attempt]: String(claim.attempt) },
  };
}

/** The run's outcome from how the machine ended; the database, not the machine's output, says whether it recorded one. */
async function judge(deps: DispatcherDeps, claim: RunClaim, o: MachineOutcome): Promise<DispatchVerdict> {
  const { end, machineId } = o;
  if (end.kind === 'aborted') return { kind: 'aborted' };
  if (!(await runStillAt(deps.pool, claim.runId, claim.attempt))) return { kind: 'recorded_elsewhere', machineId };
  const m = `Machine ${machineId}`;
  switch (end.kind) {
    case 'exited':
      // Exit 0 with the run still running is a machine that never wrote its outcome: never taken for a success.
      if (end.exitCode === 0) return { kind: 'failed', retryable: false, code: 'machine_no_outcome', message: `${m} exited 0 but recorded no outcome for the run` };
      return { kind: 'failed', retryable: true, code: 'machine_exit', message: `${m} exited with code ${end.exitCode}${end.signal ? ` (${end.signal})` : ''}` };
    case 'no_exit_event':
      return { kind: 'failed', retryable: true, code: 'machine_no_exit_event', message: `${m} stopped without an exit event` };
    case 'vanished':
      return { kind: 'failed', retryable: true, code: 'machine_vanished', message: `${m} vanished (the Machines API no longer knows it)` };
    case 'deadline':
      return {
        kind: 'failed', retryable: false, code: 'machine_deadline',
        message: `${m} was still running at the time limit of ${deps.remote.timeLimitS} s (BENCH_REMOTE_TIME_LIMIT_S); it was force-destroyed`,
      };
  }
}

async function recordEnd(deps: DispatcherDeps, o: MachineOutcome): Promise<void> {
  const cost = machineCost(deps.remote.guest, o.seconds);
  const now = new Date().toISOString();
  const ending = o.end.kind === 'exited' ? `exited with code ${o.end.exitCode}` : o.end.kind.replace(/_/g, ' ');
  // The machine's own events (from the Machines API) are the timeline; the exit event carries how it ended. An end
  // with no exit event (none recorded, deadline, vanished, aborted) is added as the dispatcher saw it.
  const states = o.events
    .filter((e) => e.type !== 'launch')
    .map((e) => ({ at: new Date(e.timestamp).toISOString(), state: e.status, note: e.type === 'exit' ? ending : `${e.type} (Machines API)` }));
  if (o.end.kind !== 'exited') states.push({ at: now, state: o.end.kind, note: ending });
  if (!o.destroyed) states.push({ at: now, state: 'destroy failed', note: `left to the sweeper: ${o.destroyError ?? ''}` });
  else if (!states.some((x) => x.state === 'destroyed')) states.push({ at: now, state: 'destroyed', note: 'destroyed by the dispatcher' });
  await recordMachineEnded(deps.pool, {
    machineId: o.machineId,
    endKind: o.end.kind,
    exitCode: o.end.kind === 'exited' ? o.end.exitCode : null,
    seconds: o.seconds,
    costUsd: cost,
    destroyed: o.destroyed,
    states,
    message: `Machine ${o.machineId} ${ending} after ${o.seconds.toFixed(1)} s ($${cost.toFixed(6)})${o.destroyed ? '; destroyed' : '; destroy failed, left to the sweeper'}`,
  });
}
