/**
 * The one closed set of ways an LLM call can fail. Providers translate their SDK's errors into these kinds, so the
 * retry loop, the fallback and the telemetry never look at a vendor's error class or message.
 */
export const LLM_ERROR_KINDS = [
  'not_configured',
  'auth_failed',
  'rate_limited',
  'overloaded',
  'timeout',
  'bad_response',
  'network',
  'invalid_request',
  'budget_exceeded',
] as const;

export type LlmErrorKind = (typeof LLM_ERROR_KINDS)[number];

/**
 * Retrying helps only when the failure is about the moment (load, limits, a dropped connection), never when the
 * request or its credentials are wrong. A malformed body is not retried: the provider may already have charged for
 * it, and a broken proxy usually answers the same way twice.
 */
const RETRYABLE: Readonly<Record<LlmErrorKind, boolean>> = {
  not_configured: false,
  auth_failed: false,
  rate_limited: true,
  overloaded: true,
  timeout: true,
  bad_response: false,
  network: true,
  invalid_request: false,
  budget_exceeded: false,
};

export class LlmError extends Error {
  readonly retryable: boolean;
  /** How many attempts were made before giving up (set by the retry loop). */
  attempts = 1;
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly extra: {
      /** From the provider's retry-after(-ms) header. */
      retryAfterMs?: number;
      status?: number;
      provider?: string;
      /** The caller's signal fired: stop at once, never retry and never fall back for nobody. */
      aborted?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: extra.cause });
    this.name = 'LlmError';
    this.retryable = RETRYABLE[kind] && !extra.aborted;
  }

  get retryAfterMs(): number | undefined {
    return this.extra.retryAfterMs;
  }
}

/** What the user reads above an offline answer, by why the offline path answered. */
export function fallbackNotice(kind: LlmErrorKind, offlineLabel: string): string {
  switch (kind) {
    case 'not_configured':
      return `AI is not configured; showing ${offlineLabel}`;
    case 'budget_exceeded':
      return `AI budget for today is used up; resets at 00:00 UTC; showing ${offlineLabel}`;
    case 'rate_limited':
    case 'overloaded':
      return `AI is busy right now; showing ${offlineLabel}`;
    case 'timeout':
      return `AI took too long to answer; showing ${offlineLabel}`;
    default:
      return `AI is unavailable right now; showing ${offlineLabel}`;
  }
}

/**
 * Reads retry-after-ms (Anthropic and OpenAI send it) or retry-after (seconds or an HTTP date). Returns undefined
 * when absent or unreadable, so the caller falls back to its own backoff.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Translates an HTTP failure that both SDKs describe the same way (status, headers, the body's error type).
 * 5xx other than 529 are "overloaded" too: the closed set has no server-error kind, and for the caller both mean
 * "the provider cannot serve this now; retry later".
 */
export function fromHttpStatus(
  provider: string,
  status: number,
  headers: { get(name: string): string | null } | undefined,
  detail: string,
  cause?: unknown,
): LlmError {
  const retryAfterMs = parseRetryAfter(headers);
  const base = { status, provider, cause };
  if (status === 401 || status === 403) return new LlmError('auth_failed', `${provider} refused the credentials (${status}): ${detail}`, base);
  if (status === 402) return new LlmError('auth_failed', `${provider} account cannot pay for calls (402): ${detail}`, base);
  if (status === 429) return new LlmError('rate_limited', `${provider} rate limit (429): ${detail}`, { ...base, retryAfterMs });
  if (status === 408) return new LlmError('timeout', `${provider} timed out the request (408): ${detail}`, { ...base, retryAfterMs });
  if (status >= 500) return new LlmError('overloaded', `${provider} is unavailable (${status}): ${detail}`, { ...base, retryAfterMs });
  return new LlmError('invalid_request', `${provider} rejected the request (${status}): ${detail}`, base);
}
