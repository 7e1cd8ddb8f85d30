/**
 * A problem page for the browser tests that follows the markup contract in docs/client.md, served by the real app
 * (buildTestApp's setup hook), with the strict CSP the site is moving to, so the bundles are tested under it.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { crossOriginIsolate } from '../../src/web/isolation.js';
import { jsonForScript } from '../../src/web/views.js';

export const STRICT_CSP = [
  "default-src 'self'",
  // Pyodide compiles WebAssembly: 'wasm-unsafe-eval' allows exactly that, not eval().
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PageOptions {
  code: string;
  /** Visible test cases (src/practice/judge.ts); omitted: no runner (and no Python download) on the page. */
  tests?: unknown[];
  editor?: 'python' | 'markdown';
  /** The field's name: `code` (default) or e.g. `answer` for a written problem. */
  name?: string;
  draftUrl?: string;
  draftKey?: string;
  draftUpdatedAt?: string;
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function problemPage(csrf: string, o: PageOptions): string {
  const attrs = [
    o.draftUrl && `data-draft-url="${escapeHtml(o.draftUrl)}"`,
    o.draftKey && `data-draft-key="${escapeHtml(o.draftKey)}"`,
    o.draftUpdatedAt && `data-draft-updated-at="${escapeHtml(o.draftUpdatedAt)}"`,
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Problem</title>
<meta name="csrf-token" content="${escapeHtml(csrf)}">
<link rel="stylesheet" href="/static/css/app.css">
<script type="module" src="/assets/editor.js"></script>
<script type="module" src="/assets/runner.js"></script>
</head><body><main id="main">
<form method="post" action="/t/submit">
  <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
  <label for="code">Your solution</label>
  <textarea id="code" name="${o.name ?? 'code'}" class="code" rows="12" data-editor="${o.editor ?? 'python'}" ${attrs.join(' ')}>${escapeHtml(o.code)}</textarea>
  <p data-draft-status></p>
  <button type="button" data-action="run" hidden>Run visible tests</button>
  <button type="submit">Submit</button>
  <div data-run-status></div>
  <div data-run-results></div>
</form>
${o.tests === undefined ? '' : `<script type="application/json" id="visible-tests">${jsonForScript(o.tests)}</script>`}
</main></body></html>`;
}

/** GET `path` renders the page; `isolated` adds the COOP/COEP headers the problem page is meant to send. */
export function addProblemPage(app: FastifyInstance, path: string, options: (query: Record<string, string>) => PageOptions, isolated = false): void {
  app.get(path, async (request, reply: FastifyReply) => {
    if (isolated) crossOriginIsolate(reply);
    const csrf = String(reply.locals?.csrfToken ?? '');
    return reply.type('text/html; charset=utf-8').send(problemPage(csrf, options(request.query as Record<string, string>)));
  });
}
