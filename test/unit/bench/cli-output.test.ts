/**
 * The CLI's progress: a bar redrawn in place on a terminal, one plain line per change otherwise (a log, CI), never
 * the same line twice; and the human summary of a run.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressReporter, summaryText } from '../../../worker/cli/output.js';
import type { RunView } from '../../../worker/cli/backend.js';

function stream(isTTY: boolean) {
  let text = '';
  const s = new Writable({ write: (chunk, _e, done) => void ((text += chunk.toString()), done()) }) as Writable & { isTTY: boolean };
  s.isTTY = isTTY;
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
}

const view = (done: number, status = 'running', extra: Partial<RunView> = {}) =>
  ({
    id: '7', status, state: 'active', stateReason: null, provider: 'offline', model: 'offline', dataset: 'bank', seed: 's', error: null,
    progress: { done, total: 4 }, counts: { correct: done, incorrect: 0, no_answer: 0, truncated: 0, error: 0 },
    accuracy: done ? { p: 1, lo: 0.5, hi: 1 } : null, tokens: { input: 10, output: 5 }, costUsd: 0, ...extra,
  }) as unknown as RunView;

describe('progress', () => {
  it('on a terminal: one bar redrawn in place, ended by a newline', () => {
    const out = stream(true);
    const p = progressReporter(out.s);
    p.update([view(1)]);
    p.update([view(1)]);
    p.update([view(4, 'succeeded')]);
    p.end();
    expect(out.text()).toBe(
      `\r\x1b[K[${'#'.repeat(8)}${'-'.repeat(22)}] 1/4 items, 1 correct, running` + `\r\x1b[K[${'#'.repeat(30)}] 4/4 items, 4 correct, succeeded\n`,
    );
  });

  it('elsewhere: a line per change, and a paused run says why', () => {
    const out = stream(false);
    const p = progressReporter(out.s);
    p.update([view(0, 'queued')]);
    p.update([view(2, 'running', { state: 'paused', stateReason: 'daily token cap reached' })]);
    p.update([view(2, 'running', { state: 'paused', stateReason: 'daily token cap reached' })]);
    p.end();
    expect(out.text()).toBe('progress: 0/4 items, 0 correct, queued\nprogress: 2/4 items, 2 correct, paused: daily token cap reached\n');
  });
});

it('the summary names the run, its counts, accuracy with interval, tokens and cost', () => {
  expect(summaryText(view(4, 'succeeded'))).toBe(
    [
      'run 7: offline/offline on bank, seed s: succeeded',
      '  correct 4, incorrect 0, no answer 0, truncated 0, error 0',
      '  accuracy 100.0% (95% CI 50.0%–100.0%)',
      '  tokens 10 in, 5 out; cost $0.0000',
    ].join('\n'),
  );
});
