/**
 * Feedback: saving what a user wrote, and promoting it to a GitHub issue on the operator's say. No Fastify here.
 */
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import { createIssueFiler, GitHubError, type IssueFiler } from './github.js';
import * as q from './queries.js';

export const FEEDBACK_KINDS = [
  { value: 'bug', label: 'Something is broken' },
  { value: 'idea', label: 'An idea or a wish' },
  { value: 'question', label: 'A question' },
  { value: 'other', label: 'Something else' },
] as const;

/**
 * A page path on this site: one leading slash (so `//evil.example` is not a path), no scheme, no control characters.
 * Anything else becomes '/', because where the feedback came from is a hint, not something worth refusing a form for.
 */
export function pagePath(raw: unknown): string {
  const v = typeof raw === 'string' ? raw.trim() : '';
  return /^\/(?!\/)[^\s\\]{0,299}$/.test(v) ? v : '/';
}

export const feedbackSchema = z.object({
  kind: z.enum(['bug', 'idea', 'question', 'other'], { message: 'Choose what kind of feedback this is.' }),
  // Line breaks arrive as CRLF from a form post; the browser's maxlength counted each as one character, so do we.
  message: z
    .string({ message: 'Write a message.' })
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().min(5, 'Say a little more (at least 5 characters).').max(4000, 'Keep it under 4,000 characters.')),
  // Optional: a post without it (a hand-made one) gets '/' rather than an error on a field nobody can see.
  page: z.unknown().optional().transform(pagePath),
});

export type FeedbackInput = z.infer<typeof feedbackSchema>;

/** userId null: a signed-out visitor (the routes put a honeypot and a per-IP limit in front of that). */
export async function submitFeedback(db: Queryable, userId: string | null, input: FeedbackInput): Promise<string> {
  return q.insertFeedback(db, { userId, ...input });
}

/** The GitHub side, or null when GITHUB_FEEDBACK_TOKEN and GITHUB_FEEDBACK_REPO are not both set. */
export function issueFilerFor(config: Readonly<Config>): IssueFiler | null {
  const { token, repo, apiUrl } = config.githubFeedback;
  return token && repo ? createIssueFiler({ token, repo, apiUrl }) : null;
}

export function issueFor(f: q.Feedback, baseUrl: string): { title: string; body: string; labels: string[] } {
  const firstLine = f.message.split('\n')[0]!.trim();
  const title = firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
  return {
    title: `[${f.kind}] ${title}`,
    body: [
      f.message,
      '',
      '---',
      `Page: ${baseUrl}${f.page}`,
      `Feedback #${f.id} in Bench: ${baseUrl}/admin/feedback#feedback-${f.id}`,
    ].join('\n'),
    labels: ['feedback', f.kind],
  };
}

export interface PromoteDeps {
  db: Queryable;
  filer: IssueFiler | null;
  /** Absolute base for the links back to Bench in the issue body. */
  baseUrl: string;
}

export type PromoteOutcome = { ok: true; feedback: q.Feedback } | { ok: false; feedback: q.Feedback; error: string };

/**
 * Files the issue and records its address on the row. A GitHub failure is recorded on the row and returned, never
 * thrown: the operator sees it beside the feedback, which stays as it was and can be promoted again.
 */
export async function promoteFeedback(deps: PromoteDeps, id: string, operatorId: string): Promise<PromoteOutcome> {
  if (!deps.filer) throw new AppError('conflict', 'GitHub feedback is off: set GITHUB_FEEDBACK_TOKEN and GITHUB_FEEDBACK_REPO.');
  const before = await q.getFeedback(deps.db, id);
  if (!before) throw new AppError('not_found', 'No such feedback.');
  if (before.githubIssueUrl) throw new AppError('conflict', `Already filed as ${before.githubIssueUrl}.`);
  if (!(await q.claimForPromotion(deps.db, id))) {
    throw new AppError('conflict', 'This feedback is being filed right now; reload in a moment.');
  }
  try {
    const issue = await deps.filer.createIssue(issueFor(before, deps.baseUrl));
    await q.recordPromoted(deps.db, { id, issueUrl: issue.url, promotedBy: operatorId });
    return { ok: true, feedback: (await q.getFeedback(deps.db, id))! };
  } catch (err) {
    const error = err instanceof GitHubError ? err.message : 'Filing the issue failed unexpectedly; see the log.';
    await q.recordPromotionError(deps.db, { id, error });
    if (!(err instanceof GitHubError)) throw err;
    return { ok: false, feedback: (await q.getFeedback(deps.db, id))!, error };
  }
}
