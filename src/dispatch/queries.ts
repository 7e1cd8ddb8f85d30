/** What the machine sweeper needs to know about the runs named on live machines. */
import { LIVENESS_LOCK_CLASS } from '../db/locks.js';
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';

export interface RunLease {
  id: string;
  status: string;
  attempt: number;
  /** Whether the run is running under a lease that has not expired. */
  leaseLive: boolean;
}

/**
 * The status, attempt and lease liveness of each run (missing ids are unknown runs). The lease is judged by the
 * database's clock, the same one the queue's own sweeper uses, so a dispatcher's clock skew cannot keep a machine.
 */
export async function runLeases(db: Queryable, ids: string[]): Promise<Map<string, RunLease>> {
  const { rows } = await db.query({
    name: 'dispatch_run_leases',
    text: `SELECT id::text AS id, status, attempts, (status = 'running' AND lease_expires_at > now()) AS lease_live
       FROM runs WHERE id = ANY($1::bigint[])`,
    values: [ids],
  });
  return new Map(rows.map((r) => [r.id, { id: r.id, status: r.status, attempt: r.attempts, leaseLive: r.lease_live }]));
}

/** What the dispatcher needs of a benchmark run: whether it is remote, its budget and LLM estimate, its provider. */
export interface RemoteRunInfo {
  remote: boolean;
  provider: string;
  budgetUsd: number | null;
  estimateUsd: number | null;
}

export async function remoteRunInfo(db: Queryable, runId: string): Promise<RemoteRunInfo | null> {
  const { rows } = await db.query({
    name: 'dispatch_remote_run_info',
    text: `SELECT remote, provider, budget_usd, estimate_usd FROM bench_runs WHERE run_id = $1`,
    values: [runId],
  });
  const r = rows[0];
  if (!r) return null;
  return { remote: r.remote, provider: r.provider, budgetUsd: numberOrNull(r.budget_usd), estimateUsd: numberOrNull(r.estimate_usd) };
}

/**
 * The machines among `ids` that a living dispatcher still watches: their row is not ended and the worker that made
 * them is alive (its liveness lock is held, or it checked in within `graceMs`, as the run sweeper judges workers).
 * That dispatcher destroys its machine itself when the machine stops, so the sweeper must not race it: a run that
 * its machine has just completed is "finished" for a moment before the machine's process has exited.
 */
export async function watchedMachines(db: Queryable, ids: string[], graceMs: number): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query({
    name: 'dispatch_watched_machines',
    text: `SELECT m.machine_id FROM run_machines m
       WHERE m.machine_id = ANY($1::text[]) AND m.ended_at IS NULL AND ${DISPATCHER_ALIVE}`,
    values: [ids, LIVENESS_LOCK_CLASS, graceMs],
  });
  return new Set(rows.map((r) => r.machine_id as string));
}

/** Whether the worker that made machine `m` is alive; $2 the liveness lock class, $3 the grace in ms. */
const DISPATCHER_ALIVE = `EXISTS (SELECT 1 FROM worker_heartbeats w WHERE w.worker_id = m.dispatcher_worker
         AND (w.last_seen_at > now() - $3 * interval '1 millisecond'
              OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $2::int::oid
                           AND l.objsubid = 2 AND l.objid::bigint = w.liveness_key
                           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))))`;

/**
 * Rows of machines the Machines API no longer lists (`listed`: every live machine with this deployment's label),
 * made by a dispatcher that is gone: Fly destroyed them itself (auto_destroy once the process exited) with no one
 * left to record it. Marked `gone`, so /admin/ops does not list them as live forever.
 */
export async function recordMachinesGone(db: Queryable, listed: string[], graceMs: number): Promise<number> {
  const { rowCount } = await db.query({
    name: 'dispatch_machines_gone',
    text: `UPDATE run_machines m SET destroyed_at = now(), end_kind = coalesce(m.end_kind, 'gone'), ended_at = coalesce(m.ended_at, now()),
       states = m.states || jsonb_build_array(jsonb_build_object('at', now(), 'state', 'gone', 'note', 'no longer listed by the Machines API; its dispatcher is gone'))
     WHERE m.destroyed_at IS NULL AND NOT (m.machine_id = ANY($1::text[])) AND NOT ${DISPATCHER_ALIVE}`,
    values: [listed, LIVENESS_LOCK_CLASS, graceMs],
  });
  return rowCount ?? 0;
}

/**
 * A machine now exists for this run attempt: its row, and the run event that shows it on the run page, in one
 * statement. Only what the Machines API says about the machine is kept; never its env.
 */
export async function recordMachineCreated(
  db: Queryable,
  m: { machineId: string; runId: string; attempt: number; dispatcherWorker: string; region: string; guest: object },
): Promise<void> {
  await db.query({
    name: 'dispatch_machine_created',
    text: `WITH ins AS (
       INSERT INTO run_machines (machine_id, run_id, attempt, region, guest, dispatcher_worker, states)
       VALUES ($1, $2, $3, $4, $5, $6, jsonb_build_array(jsonb_build_object('at', now(), 'state', 'created', 'note', 'created in ' || $4)))
       RETURNING run_id, attempt
     )
     INSERT INTO run_events (run_id, type, attempt, message, data)
     SELECT run_id, 'machine', attempt, 'Machine ' || $1 || ' created in ' || $4, jsonb_build_object('machine_id', $1::text, 'state', 'created')
     FROM ins`,
    values: [m.machineId, m.runId, m.attempt, m.region, JSON.stringify(m.guest), m.dispatcherWorker],
  });
}

export interface MachineEndRecord {
  machineId: string;
  endKind: string;
  exitCode: number | null;
  seconds: number;
  costUsd: number;
  destroyed: boolean;
  /** The machine's own events and the end, as state changes: [{ at, state, note }], oldest first. */
  states: { at: string; state: string; note: string }[];
  message: string;
}

/** How the machine ended, what it cost, and whether it was destroyed, with the run event saying so. */
export async function recordMachineEnded(db: Queryable, e: MachineEndRecord): Promise<void> {
  await db.query({
    name: 'dispatch_machine_ended',
    text: `WITH upd AS (
       UPDATE run_machines SET end_kind = $2, exit_code = $3, ended_at = now(), seconds = $4, cost_usd = $5,
         destroyed_at = CASE WHEN $6 THEN now() END, states = states || $7::jsonb
       WHERE machine_id = $1
       RETURNING run_id, attempt
     )
     INSERT INTO run_events (run_id, type, attempt, message, data)
     SELECT run_id, 'machine', attempt, $8, jsonb_build_object('machine_id', $1::text, 'state', $2::text, 'exit_code', $3::int,
       'seconds', $4::float8, 'cost_usd', $5::float8, 'destroyed', $6::boolean)
     FROM upd`,
    values: [e.machineId, e.endKind, e.exitCode, e.seconds, e.costUsd, e.destroyed, JSON.stringify(e.states), e.message],
  });
}

/** The sweeper destroyed these machines: their rows say so (a machine no row knows is simply not there). */
export async function recordMachinesSwept(db: Queryable, swept: { machineId: string; reason: string }[]): Promise<void> {
  if (swept.length === 0) return;
  await db.query({
    name: 'dispatch_machines_swept',
    text: `UPDATE run_machines m SET destroyed_at = now(), end_kind = coalesce(m.end_kind, 'swept'), ended_at = coalesce(m.ended_at, now()),
       states = m.states || jsonb_build_array(jsonb_build_object('at', now(), 'state', 'destroyed', 'note', 'swept: ' || s.reason))
     FROM jsonb_to_recordset($1::jsonb) AS s(machine_id text, reason text)
     WHERE m.machine_id = s.machine_id AND m.destroyed_at IS NULL`,
    values: [JSON.stringify(swept.map((s) => ({ machine_id: s.machineId, reason: s.reason })))],
  });
}

export interface MachineRow {
  machineId: string;
  runId: string;
  attempt: number;
  region: string;
  guest: { cpu_kind: string; cpus: number; memory_mb: number };
  createdAt: Date;
  endKind: string | null;
  exitCode: number | null;
  seconds: number | null;
  costUsd: number | null;
  destroyedAt: Date | null;
  states: { at: string; state: string; note: string }[];
  ageS: number;
}

const MACHINE_COLUMNS = `machine_id, run_id::text AS run_id, attempt, region, guest, created_at, end_kind, exit_code, seconds, cost_usd,
       destroyed_at, states, extract(epoch FROM now() - created_at)::float8 AS age_s`;

function toMachine(r: Record<string, any>): MachineRow {
  return {
    machineId: r.machine_id, runId: r.run_id, attempt: r.attempt, region: r.region, guest: r.guest, createdAt: r.created_at,
    endKind: r.end_kind, exitCode: r.exit_code, seconds: numberOrNull(r.seconds),
    costUsd: numberOrNull(r.cost_usd), destroyedAt: r.destroyed_at, states: r.states, ageS: r.age_s,
  };
}

/** Every machine made for a run, oldest first (one per dispatched attempt). */
export async function machinesForRun(db: Queryable, runId: string): Promise<MachineRow[]> {
  const { rows } = await db.query({
    name: 'dispatch_machines_for_run',
    text: `SELECT ${MACHINE_COLUMNS} FROM run_machines WHERE run_id = $1 ORDER BY created_at, machine_id`,
    values: [runId],
  });
  return rows.map(toMachine);
}

/** Machines not known destroyed, oldest first: what /admin/ops lists as live. */
export async function liveMachines(db: Queryable, limit = 100): Promise<MachineRow[]> {
  const { rows } = await db.query({
    name: 'dispatch_live_machines',
    text: `SELECT ${MACHINE_COLUMNS} FROM run_machines WHERE destroyed_at IS NULL ORDER BY created_at LIMIT $1`,
    values: [limit],
  });
  return rows.map(toMachine);
}

/** Whether the run is still `running` at this attempt: if not, the machine wrote its outcome (or someone else did). */
export async function runStillAt(db: Queryable, runId: string, attempt: number): Promise<boolean> {
  const { rows } = await db.query({
    name: 'dispatch_run_still_at',
    text: `SELECT 1 FROM runs WHERE id = $1 AND attempts = $2 AND status = 'running'`,
    values: [runId, attempt],
  });
  return rows.length === 1;
}
