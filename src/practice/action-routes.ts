/**
 * What a user does on a problem page: submit, autosave a draft, reveal a hint, ask the AI for one, give up, keep
 * notes, report a problem. Each works as a plain form POST (redirecting back) and answers htmx with a fragment.
 * Every action that carries the editor's text saves it as the draft first, so no button ever loses typing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireUser, userOf } from '../auth/current-user.js';
import { parseForm } from '../web/forms.js';
import { askAiHint, revealHint } from './hints.js';
import { problemPageView, renderAttemptFragment } from './render.js';
import { isHtmx, wantsFragment } from '../web/htmx.js';
import {
  getProblem,
  giveUp,
  keepDraft,
  keepNotes,
  loadProblemPage,
  MAX_SUBMISSION_CHARS,
  reportProblem,
  selfAssess,
  submitAttempt,
  SubmissionError,
  type PracticeDeps,
  type RefusalCode,
} from './service.js';

type SlugRequest = FastifyRequest<{ Params: { slug: string }; Body: Record<string, unknown> | undefined }>;

/**
 * The editor's text from any of the field names the forms and the client use. A plain form post sends a textarea
 * with CRLF line breaks (the HTML spec says so); code is kept with \n, as the editor and the grader see it.
 */
export function editorText(body: Record<string, unknown> | undefined): string | undefined {
  const value = body?.code ?? body?.answer ?? body?.draft;
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n') : undefined;
}

const REFUSED_QUERY = {
  'empty-answer': '?refused=empty-answer',
  'empty-code': '?refused=empty-code',
  'not-a-number': '?refused=not-a-number',
} as const satisfies Record<RefusalCode, string>;

// Spelled out (not aliases) so test/unit/redirect-audit.test.ts can see every target is ours.
function back(
  reply: FastifyReply,
  slug: string,
  hash: '' | '#hints' | '#solution' | '#notes' | '#report' | '#give-up' | '#answer' | '#code' = '',
  query: '' | '?saved=1' | '?reported=1' | '?give-up=confirm' | '?refused=empty-answer' | '?refused=empty-code' | '?refused=not-a-number' = '',
): FastifyReply {
  return reply.redirect(`/problems/${encodeURIComponent(slug)}${query}${hash}`, 303);
}

export const REPORT_CATEGORIES = ['bad-test', 'unclear-statement', 'wrong-answer', 'other'] as const;
const reportSchema = z.object({
  category: z.enum(REPORT_CATEGORIES, { message: 'Pick what kind of problem it is.' }),
  body: z.string().trim().min(10, 'Say a little more (at least 10 characters) so the operator can act on it.').max(5000, 'Keep it under 5,000 characters.'),
});
const notesSchema = z.object({ notes: z.string().max(20_000, 'Notes are limited to 20,000 characters.') });

export async function actionRoutes(app: FastifyInstance, opts: { deps: PracticeDeps; changed: (userId: string) => Promise<void> }): Promise<void> {
  const { deps, changed } = opts;
  const { pool, bank } = deps;
  app.addHook('preHandler', requireUser);

  // Every action below changes what the user's pages show; onResponse would be too late for their next request.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.user && reply.statusCode < 500) await changed(request.user.id);
    return payload;
  });

  app.post('/problems/:slug/submit', async (request: SlugRequest, reply) => {
    const user = userOf(request);
    const text = editorText(request.body) ?? '';
    try {
      const { attempt } = await submitAttempt(deps, user.id, request.params.slug, text);
      if (wantsFragment(request)) return renderAttemptFragment(deps, request, reply, request.params.slug, attempt.id, true, true);
      return reply.redirect(`/problems/${encodeURIComponent(request.params.slug)}/attempts/${encodeURIComponent(attempt.id)}`, 303);
    } catch (err) {
      if (!(err instanceof SubmissionError)) throw err;
      if (!wantsFragment(request) && err.refusal) {
        // Post/redirect/get: the text becomes the draft and the page names the refusal, so a reload never re-posts.
        await keepDraft(pool, user.id, request.params.slug, text);
        return back(reply, request.params.slug, err.field === 'answer' ? '#answer' : '#code', REFUSED_QUERY[err.refusal]);
      }
      reply.code(422);
      if (wantsFragment(request)) {
        // htmx keeps the editor as it is; only the message beside the field changes.
        reply.header('HX-Retarget', `#${err.field}-error`).header('HX-Reswap', 'innerHTML');
        return reply.view('partials/practice/field-error.njk', { message: err.message });
      }
      const page = await loadProblemPage(pool, bank, user.id, request.params.slug);
      return problemPageView(reply, { ...page, editorText: text, errors: { [err.field]: err.message } });
    }
  });

  // The user's own ticks against the rubric of an offline-estimated written answer (a plain form on the attempt page).
  app.post<{ Params: { slug: string; id: string }; Body: Record<string, unknown> | undefined }>('/problems/:slug/attempts/:id/self-assess', async (request, reply) => {
    const { slug, id } = request.params;
    const raw = request.body?.covered;
    const covered = raw === undefined ? [] : [raw].flat().map(String);
    await selfAssess(pool, userOf(request).id, slug, id, covered);
    return reply.redirect(`/problems/${encodeURIComponent(slug)}/attempts/${encodeURIComponent(id)}?assessed=1#self-assessment`, 303);
  });

  draftAndHintRoutes(app, deps);
  noteAndReportRoutes(app, deps);
}

/** What is in the editor is kept whenever the user acts on the page, so an action never loses their text. */
async function keepEditorText(pool: PracticeDeps['pool'], request: SlugRequest): Promise<void> {
  const text = editorText(request.body);
  if (text !== undefined && text.length <= MAX_SUBMISSION_CHARS) await keepDraft(pool, userOf(request).id, request.params.slug, text);
}

/** Drafts, hints and giving up: same hooks as the other actions (registered from there). */
function draftAndHintRoutes(app: FastifyInstance, deps: PracticeDeps): void {
  const { pool, bank } = deps;
  // Autosave (the client's data-draft-url), and the no-JS "Save draft" button.
  app.post('/problems/:slug/draft', async (request: SlugRequest, reply) => {
    getProblem(bank, request.params.slug);
    const text = editorText(request.body);
    if (text === undefined) return reply.code(400).send({ error: { code: 'bad_request', message: 'Send the draft as "code", "answer" or "draft".' } });
    if (text.length > MAX_SUBMISSION_CHARS) {
      return reply.code(413).send({ error: { code: 'payload_too_large', message: `Drafts are limited to ${MAX_SUBMISSION_CHARS} characters.` } });
    }
    const savedAt = await keepDraft(pool, userOf(request).id, request.params.slug, text);
    if (!isHtmx(request) && (request.headers.accept ?? '').includes('text/html')) return back(reply, request.params.slug, '', '?saved=1');
    return reply.send({ ok: true, savedAt: savedAt.toISOString() });
  });

  app.post('/problems/:slug/hints', async (request: SlugRequest, reply) => {
    const problem = getProblem(bank, request.params.slug);
    await keepEditorText(pool, request);
    const hints = await revealHint(pool, userOf(request).id, problem);
    // The hint just revealed takes keyboard focus (src/client/page.ts), so it is read out and Tab continues from it.
    if (wantsFragment(request)) return reply.view('partials/practice/hints.njk', { problem, hints, justAdded: 'canned' });
    return back(reply, problem.slug, '#hints');
  });

  app.post('/problems/:slug/hints/ai', async (request: SlugRequest, reply) => {
    const problem = getProblem(bank, request.params.slug);
    await keepEditorText(pool, request);
    const { hints, kept } = await askAiHint({ db: pool, llm: deps.llm }, { userId: userOf(request).id, problem, code: editorText(request.body) ?? '' });
    if (wantsFragment(request)) return reply.view('partials/practice/hints.njk', { problem, hints, justAdded: 'ai' });
    if (kept) return back(reply, problem.slug, '#hints');
    // A stand-in answer is not stored, so the page it would redirect to could not show it: render it here.
    const page = await loadProblemPage(pool, bank, userOf(request).id, problem.slug);
    return problemPageView(reply, { ...page, hints });
  });

  app.post('/problems/:slug/give-up', async (request: SlugRequest, reply) => {
    getProblem(bank, request.params.slug);
    await keepEditorText(pool, request);
    // Cannot be undone: without the confirming button's confirm=yes, show the confirmation instead of giving up.
    if (request.body?.confirm !== 'yes') return back(reply, request.params.slug, '#give-up', '?give-up=confirm');
    await giveUp(pool, bank, userOf(request).id, request.params.slug);
    if (isHtmx(request)) return reply.header('HX-Redirect', `/problems/${encodeURIComponent(request.params.slug)}#solution`).code(204).send();
    return back(reply, request.params.slug, '#solution');
  });
}

/** The notes beside a problem and reports to the operator: same hooks as the other actions (registered from there). */
function noteAndReportRoutes(app: FastifyInstance, deps: PracticeDeps): void {
  const { pool, bank } = deps;
  app.post('/problems/:slug/notes', async (request: SlugRequest, reply) => {
    const problem = getProblem(bank, request.params.slug);
    const form = parseForm(notesSchema, request.body);
    if (!form.ok) {
      reply.code(422);
      if (wantsFragment(request)) return reply.view('partials/practice/notes.njk', { problem, notes: String(form.values.notes ?? ''), error: form.errors.notes });
      const page = await loadProblemPage(pool, bank, userOf(request).id, problem.slug);
      return problemPageView(reply, { ...page, state: { ...page.state, notes: String(form.values.notes ?? '') }, errors: { notes: form.errors.notes } });
    }
    await keepNotes(pool, userOf(request).id, problem.slug, form.data.notes);
    if (wantsFragment(request)) return reply.view('partials/practice/notes.njk', { problem, notes: form.data.notes, saved: true });
    return back(reply, problem.slug, '#notes');
  });

  app.post('/problems/:slug/report', async (request: SlugRequest, reply) => {
    const problem = getProblem(bank, request.params.slug);
    const form = parseForm(reportSchema, request.body);
    if (!form.ok) {
      reply.code(422);
      const report = { values: form.values, errors: form.errors };
      if (wantsFragment(request)) return reply.view('partials/practice/report.njk', { problem, report, categories: REPORT_CATEGORIES });
      const page = await loadProblemPage(pool, bank, userOf(request).id, problem.slug);
      return problemPageView(reply, { ...page, report });
    }
    await reportProblem(pool, userOf(request).id, problem, form.data);
    request.log.info({ slug: problem.slug, category: form.data.category }, 'problem reported');
    if (wantsFragment(request)) return reply.view('partials/practice/report.njk', { problem, report: { sent: true }, categories: REPORT_CATEGORIES });
    return back(reply, problem.slug, '#report', '?reported=1');
  });
}
