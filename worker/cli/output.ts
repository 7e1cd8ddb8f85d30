/**
 * What the CLI prints. Progress goes to stderr (a redrawn bar on a terminal, a line per change otherwise), results
 * to stdout: a short human summary, or with --json one JSON object as the last line.
 */
import type { RunView } from './backend.js';

const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'inconclusive']);
export const isDone = (run: RunView): boolean => TERMINAL.has(run.status);

/** The --json object of one run: what a script needs to decide, and where to look for the rest. */
export function resultOf(run: RunView) {
  return {
    id: run.id,
    status: run.status,
    model: `${run.provider}/${run.model}`,
    dataset: run.dataset,
    seed: run.seed,
    items: run.items,
    samples: run.samples,
    counts: run.counts,
    accuracy: run.accuracy,
    passAtK: run.passAtK,
    tokens: run.tokens,
    costUsd: run.costUsd,
    error: run.error,
  };
}

export function summaryText(run: RunView): string {
  const c = run.counts;
  const acc = run.accuracy ? `${pct(run.accuracy.p)} (95% CI ${pct(run.accuracy.lo)}–${pct(run.accuracy.hi)})` : '— (nothing graded)';
  return [
    `run ${run.id}: ${run.provider}/${run.model} on ${run.dataset}, seed ${run.seed}: ${run.status}${run.error ? ` (${run.error.code}: ${run.error.message})` : ''}`,
    `  correct ${c.correct}, incorrect ${c.incorrect}, no answer ${c.no_answer}, truncated ${c.truncated}, error ${c.error}`,
    `  accuracy ${acc}`,
    `  tokens ${run.tokens.input} in, ${run.tokens.output} out; cost ${run.costUsd === null ? 'price unknown' : `$${run.costUsd.toFixed(4)}`}`,
  ].join('\n');
}

const BAR = 30;

/** Progress over all the runs being waited for. */
export function progressReporter(err: NodeJS.WriteStream) {
  const tty = Boolean(err.isTTY);
  let last = '';
  return {
    update(runs: RunView[]): void {
      const done = runs.reduce((n, r) => n + r.progress.done, 0);
      const total = runs.reduce((n, r) => n + r.progress.total, 0);
      const correct = runs.reduce((n, r) => n + r.counts.correct, 0);
      const paused = runs.find((r) => r.state === 'paused');
      const status = paused ? `paused: ${paused.stateReason ?? ''}` : [...new Set(runs.map((r) => r.status))].join(', ');
      const line = `${done}/${total} items, ${correct} correct, ${status}`;
      if (line === last) return;
      last = line;
      if (!tty) return void err.write(`progress: ${line}\n`);
      const filled = total > 0 ? Math.round((done / total) * BAR) : 0;
      err.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(BAR - filled)}] ${line}`);
    },
    end(): void {
      if (tty && last) err.write('\n');
    },
  };
}
