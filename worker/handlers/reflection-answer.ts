/**
 * reflection-answer: answers one revision of a journal entry (src/reflections/service.ts, answerReflection). A
 * provider failure is not an error here (the offline answer stands in), so only a database failure is retried.
 */
import { z } from 'zod';
import type { Queryable } from '../../src/db/pool.js';
import type { Llm } from '../../src/llm/index.js';
import { answerReflection, REFLECTION_ANSWER_KIND } from '../../src/reflections/service.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { RunHandler } from './types.js';

const payloadSchema = z.object({ reflectionId: z.string().regex(/^\d{1,18}$/), revision: z.number().int().min(1) });

export function createReflectionAnswerHandler(deps: { db: Queryable; llm: Pick<Llm, 'complete'> }): RunHandler {
  return {
    kind: REFLECTION_ANSWER_KIND,
    async handle(payload, ctx) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw new PermanentError('reflection-answer needs { reflectionId, revision }', 'bad_payload');
      ctx.signal.throwIfAborted();
      let outcome;
      try {
        outcome = await answerReflection({ ...deps, signal: ctx.signal }, parsed.data.reflectionId, parsed.data.revision);
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new RetryableError(err instanceof Error ? err.message : String(err), 'reflection_retry');
      }
      // A deleted entry has nothing left to answer: done, not failed.
      return { outcome };
    },
  };
}
