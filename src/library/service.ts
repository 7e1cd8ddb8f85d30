/**
 * The reading library: adding a URL (checked as typed, then fetched by the worker), the fetch itself with extraction
 * and summary, and what the owner does with an item (read, tags, links to problems and to their job descriptions). No
 * Fastify.
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/pool.js';
import { getJob } from '../career/queries.js';
import { AppError } from '../errors.js';
import type { Llm } from '../llm/index.js';
import { enqueueRun } from '../runs/enqueue.js';
import { checkUrl } from './address.js';
import { extractPage } from './extract.js';
import { DEFAULT_POLICY, safeFetch, type FetchPolicy } from './fetch.js';
import { linkJob, unlinkJob } from './job-link-queries.js';
import { linkProblem, listProblemChoices, unlinkProblem } from './problem-link-queries.js';
import * as q from './queries.js';
import { summarisePage } from './summary.js';

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

export interface FetchDeps {
  db: Queryable;
  llm: Pick<Llm, 'complete'>;
  policy?: FetchPolicy;
}

/**
 * Fetches an item, reads it and records what happened. A refusal or failure is an outcome stored on the item, never
 * thrown: the URL stays in the library with its status and message.
 */
export async function fetchItem(deps: FetchDeps, itemId: string): Promise<q.ItemStatus | null> {
  const item = await q.getItem(deps.db, itemId);
  if (!item) return null;
  const outcome = await safeFetch(item.url, deps.policy ?? DEFAULT_POLICY);
  if (!outcome.ok) {
    await q.recordFetch(deps.db, { id: itemId, status: outcome.status, title: null, description: null, finalUrl: null, message: outcome.message });
    return outcome.status;
  }
  const page = extractPage(outcome.body, outcome.contentType, outcome.finalUrl);
  const summary = await summarisePage(deps.llm, item.userId, outcome.finalUrl, page);
  const { text, ...meta } = page;
  await q.recordSaved(deps.db, {
    id: itemId,
    ...meta,
    finalUrl: outcome.finalUrl,
    mainText: text,
    summary: summary.summary,
    summarySource: summary.source,
    summaryNotice: summary.notice,
    autoTags: summary.tags,
  });
  return 'saved';
}

const notFound = () => new AppError('not_found', 'No such library item.');

export async function markRead(db: Queryable, userId: string, id: string, read: boolean): Promise<void> {
  if (!(await q.setRead(db, userId, id, read))) throw notFound();
}

/** Comma-separated tags as typed: trimmed, lower-cased, deduplicated; an empty field clears them. */
export const tagsSchema = z.object({
  tags: z
    .string({ message: 'Enter tags separated by commas.' })
    .transform((v) => [...new Set(v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean))])
    .pipe(
      z
        .array(z.string().max(40, 'Each tag can be at most 40 characters.').regex(/^[\p{L}\p{N} .+#/_-]+$/u, 'Tags may use letters, digits, spaces and . + # / _ -'))
        .max(12, 'At most 12 tags.'),
    ),
});

export async function setTags(db: Queryable, userId: string, id: string, tags: string[]): Promise<void> {
  if (!(await q.setUserTags(db, userId, id, tags))) throw notFound();
}

export const problemLinkSchema = z.object({ slug: z.string({ message: 'Choose a problem.' }).min(1, 'Choose a problem.').max(200) });

/** Links the owner's item to a problem; a slug that is not an active problem is a form error, not a 404. */
export async function linkToProblem(db: Queryable, userId: string, id: string, slug: string): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!(await q.getOwnItem(db, userId, id))) throw notFound();
  if (!(await listProblemChoices(db)).some((p) => p.slug === slug)) return { ok: false, error: 'Choose a problem from the list.' };
  await linkProblem(db, userId, id, slug);
  return { ok: true };
}

export async function unlinkFromProblem(db: Queryable, userId: string, id: string, slug: string): Promise<void> {
  if (!(await q.getOwnItem(db, userId, id))) throw notFound();
  await unlinkProblem(db, userId, id, slug);
}

export const jobLinkSchema = z.object({
  job: z.string({ message: 'Choose a job description.' }).regex(/^\d{1,18}$/, 'Choose a job description.'),
});

/**
 * Links the owner's item to one of their own job descriptions. Unlike an unknown problem slug (a form error), a JD id
 * that is not the user's is a 404, the answer their JD page would give: it does not say whether the id exists.
 */
export async function linkToJob(db: Queryable, userId: string, id: string, jobId: string): Promise<void> {
  await ownItemAndJob(db, userId, id, jobId);
  await linkJob(db, userId, id, jobId);
}

export async function unlinkFromJob(db: Queryable, userId: string, id: string, jobId: string): Promise<void> {
  await ownItemAndJob(db, userId, id, jobId);
  await unlinkJob(db, userId, id, jobId);
}

async function ownItemAndJob(db: Queryable, userId: string, id: string, jobId: string): Promise<void> {
  if (!(await q.getOwnItem(db, userId, id))) throw notFound();
  if (!(await getJob(db, userId, jobId))) throw new AppError('not_found', 'No such job description.');
}
