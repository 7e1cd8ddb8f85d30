/**
 * Cross-origin isolation for the problem page, so the in-browser runner can stop a runaway loop with Pyodide's
 * interrupt buffer (a SharedArrayBuffer) and keep the loaded interpreter, instead of terminating the Web Worker and
 * paying for a fresh Python start. See docs/client.md ("Cross-origin isolation") for what it costs.
 *
 * Call it from the route that renders a page with the runner: `return crossOriginIsolate(reply).view(...)`.
 */
import type { FastifyReply } from 'fastify';

export function crossOriginIsolate(reply: FastifyReply): FastifyReply {
  return reply.header('cross-origin-opener-policy', 'same-origin').header('cross-origin-embedder-policy', 'require-corp');
}
