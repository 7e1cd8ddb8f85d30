/** The run-queue kind of a benchmark run (a handler in worker/handlers/bench-run.ts). */
export const BENCH_RUN_KIND = 'bench-run';
