/**
 * grade-attempt: grades one practice attempt (code in the sandboxed grader pool, written answers against their
 * rubric) and writes its review. The logic lives in src/practice/grading.ts; this file adapts it to the run
 * queue: progress goes to the run page, and failures are sorted into "retry" and "give up".
 */
import { z } from 'zod';
import { gradeAttempt, GradingError, type GradingDeps } from '../../src/practice/grading.js';
import { GRADE_RUN_KIND } from '../../src/practice/kinds.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { RunHandler } from './types.js';

const payloadSchema = z.object({ attemptId: z.guid() });

export function createGradeAttemptHandler(deps: GradingDeps): RunHandler {
  return {
    kind: GRADE_RUN_KIND,
    async handle(payload, ctx) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw new PermanentError('grade-attempt needs { attemptId: uuid }', 'bad_payload');
      ctx.signal.throwIfAborted();
      try {
        return await gradeAttempt(deps, parsed.data.attemptId, (done, total, message) => ctx.progress(done, total, message));
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (err instanceof GradingError) throw new PermanentError(err.message, 'grading_failed');
        // Anything else (a dropped database connection, a grader pool restarting) is worth another try; the
        // attempt stays pending, and a graded one is never graded twice (see gradeAttempt).
        throw new RetryableError(err instanceof Error ? err.message : String(err), 'grading_retry');
      }
    },
  };
}
