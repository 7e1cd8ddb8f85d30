/**
 * The sweeper of orphaned machines: lists the live machines carrying this dispatcher's label and destroys (forced)
 * each one whose run is unknown, not running, running a later attempt than the one the machine was made for, or
 * whose lease has lapsed -- unless a living dispatcher still watches it (it destroys the machine itself when it
 * stops). A dispatcher killed between create and destroy holds a lease that lapses; the next sweep after that finds
 * its machine.
 */
import type { Queryable } from '../db/pool.js';
import type { FlyMachinesClient, Machine } from './fly-client.js';
import { recordMachinesGone, recordMachinesSwept, runLeases, watchedMachines, type RunLease } from './queries.js';

/** The metadata keys a dispatched machine carries. */
export const LABELS = { dispatcher: 'dispatcher', runId: 'run_id', attempt: 'run_attempt' } as const;

/** Why the machine should go, or null to keep it. Pure: the lease comes from the database. */
export function orphanReason(machine: Pick<Machine, 'config'>, lease: RunLease | undefined): string | null {
  const labels = machine.config.metadata ?? {};
  const runId = labels[LABELS.runId];
  if (!runId || !lease) return `run ${runId ?? '(no run label)'} is unknown`;
  if (lease.status !== 'running') return `run ${runId} is ${lease.status}`;
  const attempt = Number(labels[LABELS.attempt]);
  if (Number.isInteger(attempt) && attempt !== lease.attempt) return `run ${runId} is on attempt ${lease.attempt}, the machine was made for attempt ${attempt}`;
  if (!lease.leaseLive) return `run ${runId}'s lease has lapsed`;
  return null;
}

export interface SweepResult {
  destroyed: { machineId: string; reason: string }[];
  kept: string[];
  errors: { machineId: string; message: string }[];
}

/** How long a silent worker still counts as alive when its liveness lock is not seen (the run sweeper's grace). */
export const WORKER_GRACE_MS = 5000;

export async function sweepOrphans(deps: { client: FlyMachinesClient; db: Queryable; dispatcher: string }): Promise<SweepResult> {
  const machines = await deps.client.list({ [LABELS.dispatcher]: deps.dispatcher });
  // Only numeric run ids can name a run; anything else is unknown, and must not break the bigint cast.
  const ids = [...new Set(machines.map((m) => m.config.metadata?.[LABELS.runId]).filter((id): id is string => !!id && /^\d{1,18}$/.test(id)))];
  const leases = ids.length ? await runLeases(deps.db, ids) : new Map<string, RunLease>();
  const reasons = new Map(machines.map((m) => [m.id, orphanReason(m, leases.get(m.config.metadata?.[LABELS.runId] ?? ''))]));
  const watched = await watchedMachines(deps.db, machines.filter((m) => reasons.get(m.id)).map((m) => m.id), WORKER_GRACE_MS);
  const result: SweepResult = { destroyed: [], kept: [], errors: [] };
  for (const m of machines) {
    const reason = reasons.get(m.id);
    if (!reason || watched.has(m.id)) {
      result.kept.push(m.id);
      continue;
    }
    try {
      await deps.client.destroy(m.id, true);
      result.destroyed.push({ machineId: m.id, reason });
    } catch (err) {
      // The next sweep tries again; one failure does not stop the others.
      result.errors.push({ machineId: m.id, message: (err as Error).message });
    }
  }
  return result;
}

/**
 * One sweep as the worker runs it: destroy the orphans, then bring the machine rows up to date (the destroyed ones
 * `swept`, the ones Fly already removed while their dispatcher was gone `gone`).
 */
export async function sweepAndRecord(deps: { client: FlyMachinesClient; db: Queryable; dispatcher: string }): Promise<SweepResult & { gone: number }> {
  const result = await sweepOrphans(deps);
  await recordMachinesSwept(deps.db, result.destroyed);
  const listed = [...result.kept, ...result.destroyed.map((d) => d.machineId), ...result.errors.map((e) => e.machineId)];
  return { ...result, gone: await recordMachinesGone(deps.db, listed, WORKER_GRACE_MS) };
}
