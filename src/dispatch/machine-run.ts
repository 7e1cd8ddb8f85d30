/**
 * One machine's life for one run: create it, wait (under our deadline) until it stops, read its exit event, and
 * destroy it on every path -- forced when it is still running at the deadline. What the process did is never read
 * from its logs: the machine writes its results to Postgres itself, and this only reports how the machine ended.
 */
import { exitEventOf, FlyApiError, type FlyMachinesClient, type MachineSpec } from './fly-client.js';

export type MachineEnd =
  /** The process exited; only exit code 0 is a success. */
  | { kind: 'exited'; exitCode: number; signal?: string }
  /** The machine stopped but Fly recorded no exit event: a failure, never read as success. */
  | { kind: 'no_exit_event' }
  /** Still running at our deadline: force-destroyed. */
  | { kind: 'deadline' }
  /** The API no longer knows the machine: a retryable error. */
  | { kind: 'vanished' }
  /** The caller's signal fired (a cancel, a lost lease, a shutdown): force-destroyed. */
  | { kind: 'aborted' };

export interface MachineOutcome {
  machineId: string;
  region: string;
  end: MachineEnd;
  /** From create to the end we observed, as the dispatcher measured it. */
  seconds: number;
  /** Whether the final destroy went through (a failure here is left to the sweeper). */
  destroyed: boolean;
  destroyError?: string;
  /** The machine's own events (launch, start, exit, ...), oldest first, when it stopped and could still be read. */
  events: { type: string; status: string; timestamp: number }[];
}

export interface MachineRunOptions {
  /** Epoch ms after which the machine is force-destroyed. */
  deadline: number;
  now?: () => number;
  /** Called as soon as the machine exists, before waiting (to record its id on the run). */
  onCreated?: (machine: { id: string; region: string }) => void | Promise<void>;
  /** Stops waiting and force-destroys the machine. */
  signal?: AbortSignal;
}

/** Throws the create error (a FlyApiError) when no machine was made: there is nothing to destroy then. */
export async function runMachine(client: FlyMachinesClient, spec: MachineSpec, options: MachineRunOptions): Promise<MachineOutcome> {
  const now = options.now ?? Date.now;
  const started = now();
  const machine = await client.create(spec);
  let ended: Ended = { end: { kind: 'deadline' }, events: [] };
  let destroy: { destroyed: boolean; destroyError?: string };
  try {
    await options.onCreated?.({ id: machine.id, region: machine.region });
    ended = await untilAborted(waitForEnd(client, machine.id, machine.instance_id, options.deadline), options.signal);
  } finally {
    // Runs on every path, a throw from onCreated or the wait included; a machine that may still run is forced.
    destroy = await destroyQuietly(client, machine.id, ended.end.kind === 'deadline' || ended.end.kind === 'aborted');
  }
  return { machineId: machine.id, region: machine.region, end: ended.end, events: ended.events, seconds: Math.max(0, (now() - started) / 1000), ...destroy };
}

interface Ended {
  end: MachineEnd;
  events: MachineOutcome['events'];
}

/** The wait, or 'aborted' as soon as the signal fires (the wait request is left to end by itself). */
function untilAborted(wait: Promise<Ended>, signal: AbortSignal | undefined): Promise<Ended> {
  if (!signal) return wait;
  const aborted: Ended = { end: { kind: 'aborted' }, events: [] };
  if (signal.aborted) return (wait.catch(() => {}), Promise.resolve(aborted));
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(aborted);
    signal.addEventListener('abort', onAbort, { once: true });
    wait.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function waitForEnd(client: FlyMachinesClient, id: string, instanceId: string, deadline: number): Promise<Ended> {
  const waited = await client.waitFor(id, instanceId, 'stopped', deadline);
  if (waited === 'deadline') return { end: { kind: 'deadline' }, events: [] };
  if (waited === 'vanished') return { end: { kind: 'vanished' }, events: [] };
  const stopped = await client.get(id);
  if (!stopped) return { end: { kind: 'vanished' }, events: [] };
  const events = (stopped.events ?? []).map((e) => ({ type: e.type, status: e.status, timestamp: e.timestamp })).reverse(); // the API lists newest first
  const exit = exitEventOf(stopped);
  if (!exit) return { end: { kind: 'no_exit_event' }, events };
  return { end: { kind: 'exited', exitCode: exit.exit_code, ...(exit.signal ? { signal: exit.signal } : {}) }, events };
}

async function destroyQuietly(client: FlyMachinesClient, id: string, force: boolean): Promise<{ destroyed: boolean; destroyError?: string }> {
  try {
    await client.destroy(id, force);
    return { destroyed: true };
  } catch (err) {
    // 412: still running after all (it stopped and was restarted, or the wait raced); force it.
    if (!force && err instanceof FlyApiError && err.status === 412) return destroyQuietly(client, id, true);
    return { destroyed: false, destroyError: (err as Error).message };
  }
}
