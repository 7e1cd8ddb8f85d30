/**
 * How a route tells an htmx request from a plain one. Every page works without JavaScript, so a route answers
 * htmx with the fragment it targets and anything else with the whole page (or a redirect).
 */
import type { FastifyRequest } from 'fastify';

/** The request came from htmx (it sends HX-Request on every call it makes). */
export function isHtmx(request: FastifyRequest): boolean {
  return Boolean(request.headers['hx-request']);
}

/** htmx asked for a fragment and is not restoring history, which needs the whole page. */
export function wantsFragment(request: FastifyRequest): boolean {
  return isHtmx(request) && !request.headers['hx-history-restore-request'];
}
