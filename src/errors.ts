/**
 * One error type for everything a route or service refuses on purpose, and one handler that turns any error into
 * a page, a fragment (for HTMX) or JSON. 4xx reasons are shown; 5xx details stay in the log behind a request id.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReporter } from './observability/reporter.js';
import { isHtmx } from './web/htmx.js';

export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

export const notFound = (what = 'Page') => new AppError('not_found', `${what} not found`);

function codeForStatus(status: number): ErrorCode {
  const hit = (Object.entries(statusByCode) as [ErrorCode, number][]).find(([, s]) => s === status);
  if (hit) return hit[0];
  return status >= 500 ? 'internal' : 'bad_request';
}

export function wantsJson(request: FastifyRequest): boolean {
  if (isHtmx(request)) return false;
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

interface ErrorView {
  status: number;
  code: ErrorCode;
  message: string;
  requestId: string;
}

const CSRF_ERRORS = new Set(['FST_CSRF_INVALID_TOKEN', 'FST_CSRF_MISSING_SECRET']);

function toView(error: FastifyError | AppError | Error, request: FastifyRequest): ErrorView {
  if (CSRF_ERRORS.has((error as FastifyError).code)) {
    return {
      status: 403,
      code: 'forbidden',
      message: 'This form has expired or did not come from this site. Reload the page and try again.',
      requestId: request.id,
    };
  }
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, requestId: request.id };
  }
  const status = (error as FastifyError).statusCode ?? 500;
  if (status >= 500) {
    // Never echo an internal message: it may hold SQL, paths or secrets.
    return {
      status: 500,
      code: 'internal',
      message: 'Something went wrong on our side. It has been logged.',
      requestId: request.id,
    };
  }
  return { status, code: codeForStatus(status), message: error.message, requestId: request.id };
}

export async function sendError(request: FastifyRequest, reply: FastifyReply, view: ErrorView): Promise<void> {
  reply.status(view.status);
  // Errors raised before the preHandler hooks (auth, CSRF) still render the layout for the right person.
  reply.locals = { ...reply.locals, currentUser: request.user, currentPath: request.url.split('?')[0] };
  if (wantsJson(request)) {
    await reply.send({ error: { code: view.code, message: view.message, requestId: view.requestId } });
    return;
  }
  if (isHtmx(request)) {
    // htmx does not swap 4xx/5xx bodies by default; re-target the page's error slot so the user sees the message.
    reply.header('HX-Retarget', '#flash');
    reply.header('HX-Reswap', 'innerHTML');
    await reply.view('partials/error.njk', view);
    return;
  }
  await reply.view('pages/error.njk', view);
}

export function registerErrorHandling(app: FastifyInstance, reporter: ErrorReporter): void {
  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    const view = toView(error, request);
    if (view.status >= 500) {
      request.log.error({ err: error }, 'request failed');
      reporter.capture(error, { requestId: request.id, userId: request.user?.id ?? null });
    }
    else request.log.info({ code: view.code, msg: view.message }, 'request refused');
    await sendError(request, reply, view);
  });
  app.setNotFoundHandler(async (request, reply) => {
    await sendError(request, reply, { status: 404, code: 'not_found', message: 'Page not found', requestId: request.id });
  });
}
