/**
 * The reading library: adding a URL (checked as typed, then fetched by the worker) and the fetch itself. No Fastify.
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/pool.js';
import { enqueueRun } from '../runs/enqueue.js';
import { checkUrl } from './address.js';
import { extractSummary } from './extract.js';
import { DEFAULT_POLICY, safeFetch, type FetchPolicy } from './fetch.js';
import * as q from './queries.js';

export const LIBRARY_FETCH_KIND = 'library-fetch';

export const addItemSchema = z.object({
  url: z
    .string({ message: 'Enter a web address.' })
    .trim()
    .min(1, 'Enter a web address.')
    .max(2000, 'That address is too long (at most 2,000 characters).')
    .superRefine((v, ctx) => {
      const checked = checkUrl(v);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: `${checked.message} Only public http:// and https:// pages can be added.` });
    }),
});

export type AddItemInput = z.infer<typeof addItemSchema>;

/** Saves the item and queues its fetch in one transaction, so an item never waits for a run that was not queued. */
export async function addItem(pool: pg.Pool, userId: string, input: AddItemInput): Promise<string> {
  return withTransaction(pool, async (tx) => {
    const id = await q.insertItem(tx, { userId, url: input.url });
    await enqueueRun(tx, { kind: LIBRARY_FETCH_KIND, ownerId: userId, payload: { itemId: id }, maxAttempts: 2 });
    return id;
  });
}

/**
 * Fetches an item and records what happened. A refusal or failure is an outcome stored on the item, never thrown:
 * the URL stays in the library with its status and message.
 */
export async function fetchItem(deps: { db: Queryable; policy?: FetchPolicy }, itemId: string): Promise<q.ItemStatus | null> {
  const item = await q.getItem(deps.db, itemId);
  if (!item) return null;
  const outcome = await safeFetch(item.url, deps.policy ?? DEFAULT_POLICY);
  if (!outcome.ok) {
    await q.recordFetch(deps.db, { id: itemId, status: outcome.status, title: null, description: null, finalUrl: null, message: outcome.message });
    return outcome.status;
  }
  const summary = extractSummary(outcome.body, outcome.contentType);
  await q.recordFetch(deps.db, { id: itemId, status: 'saved', ...summary, finalUrl: outcome.finalUrl, message: null });
  return 'saved';
}
