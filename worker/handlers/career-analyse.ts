/**
 * career-analyse: parses a job description (fetching its page first when it was given as a URL), analyses a
 * profile, or writes a fit reading. The logic is src/career/analysis.ts; a model that cannot answer falls back to
 * the offline path there, so only a database failure is retried.
 */
import { z } from 'zod';
import { runCareerAnalysis, type AnalysisDeps } from '../../src/career/analysis.js';
import { CAREER_RUN_KIND } from '../../src/career/service.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { RunHandler } from './types.js';

const id = z.string().regex(/^\d{1,18}$/);
const payloadSchema = z.discriminatedUnion('target', [
  z.object({ target: z.literal('job'), id }),
  z.object({ target: z.literal('reading'), id }),
  z.object({ target: z.literal('profile'), userId: z.guid() }),
]);

export function createCareerAnalyseHandler(deps: AnalysisDeps): RunHandler {
  return {
    kind: CAREER_RUN_KIND,
    async handle(payload, ctx) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw new PermanentError('career-analyse needs { target, id } or { target: "profile", userId }', 'bad_payload');
      ctx.signal.throwIfAborted();
      let answered;
      try {
        answered = await runCareerAnalysis(deps, parsed.data, (done, total, message) => ctx.progress(done, total, message));
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new RetryableError(err instanceof Error ? err.message : String(err), 'career_retry');
      }
      if (answered === 'gone') throw new PermanentError('What this run was to analyse no longer exists.', 'not_found');
      return { answered };
    },
  };
}
