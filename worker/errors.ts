/**
 * Errors a handler can throw, and the classification that decides between "retry later" and "fail now".
 * Unknown errors are permanent: retrying a bug only hides it for a while.
 */
import { LlmError } from '../src/llm/errors.js';

/** A fenced write found the run no longer ours (swept and claimed again). The handler must stop. */
export class LeaseLostError extends Error {
  constructor(readonly runId: string, readonly attempt: number) {
    super(`Run ${runId} attempt ${attempt}: lease lost; another worker owns this run now`);
    this.name = 'LeaseLostError';
  }
}

/** The run's owner (or an admin) canceled it. */
export class RunCanceledError extends Error {
  constructor(readonly runId: string) {
    super(`Run ${runId} was canceled`);
    this.name = 'RunCanceledError';
  }
}

/** The worker is shutting down and the grace period ran out. */
export class ShutdownError extends Error {
  constructor() {
    super('The worker is shutting down');
    this.name = 'ShutdownError';
  }
}

/**
 * The run's outcome was written by another process under this claim's fence (a remote machine's run-one): the
 * executor writes nothing more.
 */
export class OutcomeRecordedElsewhereError extends Error {
  constructor(readonly where: string) {
    super(`The run's outcome was recorded by ${where}`);
    this.name = 'OutcomeRecordedElsewhereError';
  }
}

/** Throw to ask for a retry with backoff; `retryAfterMs` sets a floor (a Retry-After header, say). */
export class RetryableError extends Error {
  constructor(message: string, readonly code = 'retryable', readonly retryAfterMs: number | null = null) {
    super(message);
    this.name = 'RetryableError';
  }
}

/** Throw to fail the run at once with this message, whatever attempts are left. */
export class PermanentError extends Error {
  constructor(message: string, readonly code = 'permanent') {
    super(message);
    this.name = 'PermanentError';
  }
}

export interface Classified {
  retryable: boolean;
  code: string;
  message: string;
  retryAfterMs: number | null;
}

/** Node and Postgres error codes that mean "the connection or the server hiccupped", not "the input is bad". */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
  // Postgres: serialization failure, deadlock, admin shutdown, too many connections, cannot connect now.
  '40001', '40P01', '57P01', '57P03', '53300',
]);
/** HTTP statuses worth retrying: timeout, rate limit, server errors, and Anthropic's 529 "overloaded". */
const TRANSIENT_STATUS = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

function messageOf(err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  return (raw || 'Unknown error').slice(0, 2000);
}

export function classifyError(err: unknown): Classified {
  if (err instanceof RetryableError) {
    return { retryable: true, code: err.code, message: messageOf(err), retryAfterMs: err.retryAfterMs };
  }
  if (err instanceof PermanentError) return { retryable: false, code: err.code, message: messageOf(err), retryAfterMs: null };
  // The LLM layer has classified its own failure (rate_limited, overloaded, timeout, network are retryable; a
  // budget_exceeded or auth_failed is not), after its own retries: the run keeps that verdict and its Retry-After.
  if (err instanceof LlmError) {
    return { retryable: err.retryable, code: err.kind, message: messageOf(err), retryAfterMs: err.extra.retryAfterMs ?? null };
  }
  const e = (err ?? {}) as { code?: unknown; status?: unknown; name?: unknown; headers?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  // 55000 is a broad class; with this message it is a database refusing new connections for a while (an operator's
  // ALLOW_CONNECTIONS false, a restart in progress): the same blip as 57P03, not a bad input.
  const refusingConnections = code === '55000' && /not currently accepting connections/.test(messageOf(err));
  if (TRANSIENT_CODES.has(code) || code.startsWith('08') || refusingConnections) {
    return { retryable: true, code: 'connection', message: messageOf(err), retryAfterMs: null };
  }
  if (e.name === 'TimeoutError' || e.name === 'APIConnectionTimeoutError' || e.name === 'APIConnectionError') {
    return { retryable: true, code: 'timeout', message: messageOf(err), retryAfterMs: null };
  }
  if (typeof e.status === 'number' && TRANSIENT_STATUS.has(e.status)) {
    return {
      retryable: true,
      code: e.status === 429 ? 'rate_limited' : e.status === 529 || e.status === 503 ? 'overloaded' : `http_${e.status}`,
      message: messageOf(err),
      retryAfterMs: retryAfterOf(e.headers),
    };
  }
  return { retryable: false, code: code || (typeof e.status === 'number' ? `http_${e.status}` : 'error'), message: messageOf(err), retryAfterMs: null };
}

/** Reads a Retry-After header (seconds) from a fetch Headers object or a plain record. */
function retryAfterOf(headers: unknown): number | null {
  if (!headers || typeof headers !== 'object') return null;
  const h = headers as { get?: (k: string) => string | null } & Record<string, unknown>;
  const raw = typeof h.get === 'function' ? h.get('retry-after') : h['retry-after'];
  const s = Number(raw);
  return Number.isFinite(s) && s >= 0 ? Math.min(s * 1000, 3_600_000) : null;
}
