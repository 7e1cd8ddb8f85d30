/**
 * The cost guard for a remote run, as pure functions: what a machine costs per second (from a versioned price table
 * kept in the repo), what a dispatch is expected to cost (machine price × the run's time limit, plus the LLM
 * estimate the benchmark run already has), and whether that is within the run's budget and BENCH_MAX_RUN_COST_USD.
 *
 * Fly bills a running machine per second: a price per vCPU by CPU kind plus a price per GB of RAM. The table holds
 * those two components as monthly list prices (Fly quotes them per month of 730 hours); when Fly changes them, add
 * the new figures, bump `version` and `recordedOn`.
 */
import { formatUsd as usd } from '../llm/prices.js';
import type { GuestSpec } from './fly-client.js';

export const MACHINE_PRICE_TABLE = {
  version: '2026-12-07',
  recordedOn: '2026-12-07',
  source:
    "Fly.io's published Machines list prices for the cheapest regions (shared-cpu-1x with 256 MB $1.94/month, " +
    'performance-1x with 2 GB $31/month, additional RAM $5/GB/month), split into a vCPU and a RAM component. ' +
    'Regions differ; check https://fly.io/docs/about/pricing/ before relying on a figure.',
  secondsPerMonth: 730 * 3600,
  /** US dollars per vCPU per month, RAM excluded. */
  cpuMonthly: { shared: 0.69, performance: 21 } as Readonly<Record<GuestSpec['cpu_kind'], number>>,
  /** US dollars per GB of RAM per month. */
  ramMonthlyPerGb: 5,
} as const;

/** US dollars per second for a running machine of this size. */
export function machinePricePerSecond(guest: GuestSpec): number {
  const t = MACHINE_PRICE_TABLE;
  const monthly = guest.cpus * t.cpuMonthly[guest.cpu_kind] + (guest.memory_mb / 1024) * t.ramMonthlyPerGb;
  return monthly / t.secondsPerMonth;
}

/** What `seconds` of this machine cost (used for the actual figure recorded once a machine has ended). */
export function machineCost(guest: GuestSpec, seconds: number): number {
  return machinePricePerSecond(guest) * Math.max(0, seconds);
}

export interface DispatchEstimate {
  machineUsd: number;
  /** null: the model has no price in the LLM table, so only the machine part is known. */
  llmUsd: number | null;
  /** Machine plus the LLM estimate when it is known. */
  totalUsd: number;
  timeLimitS: number;
  priceTableVersion: string;
}

/** The worst case the machine can cost is its price for the whole time limit: the dispatcher destroys it then. */
export function estimateDispatch(guest: GuestSpec, timeLimitS: number, llmUsd: number | null): DispatchEstimate {
  const machineUsd = machineCost(guest, timeLimitS);
  return { machineUsd, llmUsd, totalUsd: machineUsd + (llmUsd ?? 0), timeLimitS, priceTableVersion: MACHINE_PRICE_TABLE.version };
}

export type CostVerdict = { ok: true } | { ok: false; reason: string };

/** Refuses an estimate over the run's own budget (when it has one) or over the per-run limit, and says by how much. */
export function checkDispatchCost(e: DispatchEstimate, limits: { budgetUsd: number | null; maxRunCostUsd: number }): CostVerdict {
  const what = describeEstimate(e);
  if (limits.budgetUsd !== null && e.totalUsd > limits.budgetUsd) {
    return { ok: false, reason: `remote dispatch refused: ${what}, over the run's budget of ${usd(limits.budgetUsd)}` };
  }
  if (e.totalUsd > limits.maxRunCostUsd) {
    return { ok: false, reason: `remote dispatch refused: ${what}, over the per-run limit of ${usd(limits.maxRunCostUsd)} (BENCH_MAX_RUN_COST_USD)` };
  }
  return { ok: true };
}

export function describeEstimate(e: DispatchEstimate): string {
  const llm = e.llmUsd === null ? 'LLM price unknown' : `LLM ${usd(e.llmUsd)}`;
  return `estimated ${usd(e.totalUsd)} (machine ${usd(e.machineUsd)} for up to ${e.timeLimitS} s at price table ${e.priceTableVersion}; ${llm})`;
}
