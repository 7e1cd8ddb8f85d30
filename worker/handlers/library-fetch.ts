/**
 * library-fetch: fetches one reading-library item. The logic is src/library/service.ts (fetchItem); a refused or
 * failed fetch is a stored outcome, not an error, so only a database failure is retried.
 */
import { z } from 'zod';
import { fetchItem, LIBRARY_FETCH_KIND, type FetchDeps } from '../../src/library/service.js';
import { PermanentError, RetryableError } from '../errors.js';
import type { RunHandler } from './types.js';

const payloadSchema = z.object({ itemId: z.string().regex(/^\d{1,18}$/) });

export function createLibraryFetchHandler(deps: FetchDeps): RunHandler {
  return {
    kind: LIBRARY_FETCH_KIND,
    async handle(payload, ctx) {
      const parsed = payloadSchema.safeParse(payload);
      if (!parsed.success) throw new PermanentError('library-fetch needs { itemId }', 'bad_payload');
      ctx.signal.throwIfAborted();
      let status;
      try {
        status = await fetchItem(deps, parsed.data.itemId);
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        throw new RetryableError(err instanceof Error ? err.message : String(err), 'library_retry');
      }
      if (status === null) throw new PermanentError('The library item no longer exists.', 'not_found');
      return { status };
    },
  };
}
