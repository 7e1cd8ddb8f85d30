import { describe, expect, it } from 'vitest';
import { checkDispatchCost, estimateDispatch, machineCost, machinePricePerSecond, MACHINE_PRICE_TABLE } from '../../../src/dispatch/cost.js';
import type { GuestSpec } from '../../../src/dispatch/fly-client.js';

const shared = (cpus: number, memory_mb: number): GuestSpec => ({ cpu_kind: 'shared', cpus, memory_mb });
const month = (g: GuestSpec) => machinePricePerSecond(g) * MACHINE_PRICE_TABLE.secondsPerMonth;

describe('the machine price table', () => {
  it('reproduces the monthly list prices it was split from', () => {
    expect(month(shared(1, 256))).toBeCloseTo(1.94, 2);
    expect(month(shared(1, 512))).toBeCloseTo(3.19, 2);
    expect(month({ cpu_kind: 'performance', cpus: 1, memory_mb: 2048 })).toBeCloseTo(31, 2);
    expect(month({ cpu_kind: 'performance', cpus: 2, memory_mb: 4096 })).toBeCloseTo(62, 2);
  });

  it('charges by the second, and nothing for no time', () => {
    expect(machineCost(shared(1, 1024), 1800)).toBeCloseTo((5.69 / (730 * 3600)) * 1800, 12);
    expect(machineCost(shared(1, 1024), 0)).toBe(0);
  });
});

describe('the dispatch cost guard', () => {
  const guest = shared(1, 1024);

  it('adds the machine for the whole time limit to the LLM estimate', () => {
    const e = estimateDispatch(guest, 1800, 0.5);
    expect(e.machineUsd).toBeCloseTo(0.0038973, 7);
    expect(e.totalUsd).toBeCloseTo(0.5038973, 7);
    expect(e.priceTableVersion).toBe(MACHINE_PRICE_TABLE.version);
  });

  it('refuses a dispatch over the run budget, with the estimate in the message', () => {
    const verdict = checkDispatchCost(estimateDispatch(guest, 1800, 0.5), { budgetUsd: 0.5, maxRunCostUsd: 10 });
    expect(verdict).toEqual({
      ok: false,
      reason: `remote dispatch refused: estimated $0.5039 (machine $0.0039 for up to 1800 s at price table ${MACHINE_PRICE_TABLE.version}; LLM $0.5000), over the run's budget of $0.5000`,
    });
  });

  it('refuses a dispatch over BENCH_MAX_RUN_COST_USD when the run has no budget of its own', () => {
    const verdict = checkDispatchCost(estimateDispatch(guest, 1800, 2.4), { budgetUsd: null, maxRunCostUsd: 2.4 });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toContain('estimated $2.40 (machine $0.0039');
    expect(!verdict.ok && verdict.reason).toContain('over the per-run limit of $2.40 (BENCH_MAX_RUN_COST_USD)');
  });

  it('refuses on the machine alone when the LLM price is unknown, and says so', () => {
    const long = estimateDispatch({ cpu_kind: 'performance', cpus: 8, memory_mb: 16384 }, 24 * 3600, null);
    expect(long.totalUsd).toBe(long.machineUsd);
    const verdict = checkDispatchCost(long, { budgetUsd: null, maxRunCostUsd: 5 });
    expect(!verdict.ok && verdict.reason).toContain('LLM price unknown');
  });

  it('lets a dispatch within both limits through', () => {
    expect(checkDispatchCost(estimateDispatch(guest, 1800, 0.5), { budgetUsd: 1, maxRunCostUsd: 1 })).toEqual({ ok: true });
  });
});
