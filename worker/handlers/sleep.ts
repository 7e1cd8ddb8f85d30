/**
 * Sleeps `ms` in `steps`, reporting progress after each and stopping as soon as its signal aborts. With `items`
 * it records one item per step and resumes after a crash from the items already done. For tests and the demo it
 * can also fail on purpose (`fail` on attempts up to `failUntilAttempt`) or grade its items `error`
 * (`itemStatus`) to end inconclusive.
 */
import { z } from 'zod';
import { PermanentError, RetryableError } from '../errors.js';
import type { RunHandler } from './types.js';

const payloadSchema = z.object({
  ms: z.number().int().min(0).max(3_600_000).default(1000),
  steps: z.number().int().min(1).max(10_000).default(10),
  items: z.boolean().default(false),
  itemStatus: z.enum(['pass', 'fail', 'error', 'skipped']).default('pass'),
  fail: z.enum(['retryable', 'permanent']).optional(),
  failUntilAttempt: z.number().int().min(1).default(1_000),
  message: z.string().max(200).optional(),
});

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const sleepHandler: RunHandler = {
  kind: 'sleep',
  async handle(raw, ctx) {
    const parsed = payloadSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new PermanentError(`Bad sleep payload: ${parsed.error.issues[0]!.message}`, 'bad_payload');
    const p = parsed.data;
    if (p.fail && ctx.attempt <= p.failUntilAttempt) {
      const text = p.message ?? `Failing on purpose (attempt ${ctx.attempt})`;
      throw p.fail === 'retryable' ? new RetryableError(text, 'flaky') : new PermanentError(text, 'broken');
    }
    const done = p.items ? await ctx.itemsDone() : new Set<string>();
    const stepMs = p.ms / p.steps;
    let completed = 0;
    for (let i = 0; i < p.steps; i++) {
      const key = `step-${String(i).padStart(5, '0')}`;
      if (done.has(key)) {
        completed++;
        continue;
      }
      await pause(stepMs, ctx.signal);
      if (p.items) await ctx.recordItem(key, { status: p.itemStatus, result: { step: i, attempt: ctx.attempt } });
      completed++;
      await ctx.progress(completed, p.steps, `Step ${completed} of ${p.steps}`);
    }
    return { slept_ms: p.ms, steps: p.steps, resumed: done.size };
  },
};
