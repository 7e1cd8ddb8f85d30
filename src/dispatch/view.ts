/** What the run page and /admin/ops show of remote machines: rows with their figures already written out. */
import type { Queryable } from '../db/pool.js';
import { liveMachines, machinesForRun, type MachineRow } from './queries.js';

export interface MachineView extends MachineRow {
  sizeText: string;
  endText: string;
  costText: string;
  secondsText: string;
}

function viewOf(m: MachineRow): MachineView {
  return {
    ...m,
    sizeText: `${m.guest.cpu_kind} ${m.guest.cpus} vCPU, ${m.guest.memory_mb} MB`,
    endText: m.endKind === null ? 'running' : m.exitCode !== null ? `${m.endKind.replace(/_/g, ' ')} (exit code ${m.exitCode})` : m.endKind.replace(/_/g, ' '),
    // Machine seconds cost fractions of a cent: six decimals, so a short run does not read as $0.
    costText: m.costUsd === null ? '—' : `$${m.costUsd.toFixed(6)}`,
    secondsText: m.seconds === null ? '—' : `${m.seconds.toFixed(1)} s`,
  };
}

/** A run's machines, oldest first, and what they cost in all (null: none has ended yet). */
export async function runMachinesView(db: Queryable, runId: string): Promise<{ machines: MachineView[]; totalText: string | null }> {
  const rows = await machinesForRun(db, runId);
  const ended = rows.filter((m) => m.costUsd !== null);
  const total = ended.reduce((sum, m) => sum + (m.costUsd ?? 0), 0);
  return { machines: rows.map(viewOf), totalText: ended.length ? `$${total.toFixed(6)}` : null };
}

/** Machines not known destroyed, oldest first, for /admin/ops. */
export async function liveMachinesView(db: Queryable): Promise<MachineView[]> {
  return (await liveMachines(db)).map(viewOf);
}
