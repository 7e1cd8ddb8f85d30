/**
 * Retries for one LLM call. The SDKs' own retries are switched off so that every provider retries the same way,
 * each attempt is logged, and the token reservation made before the first attempt covers them all (the cap is
 * charged once, whatever the number of attempts).
 */
import { LlmError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A provider asking us to wait longer than this is not waited for: a person is looking at a spinner, and the
   * offline answer now beats the real one in two minutes.
   */
  maxRetryAfterMs: number;
}

export const defaultRetryPolicy = (maxRetries: number): RetryPolicy => ({
  maxRetries,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
});

/**
 * Exponential backoff with jitter, never shorter than the provider's retry-after: the jitter is added on top of it,
 * so many clients told "retry in 1s" do not all come back in the same millisecond.
 */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number, retryAfterMs: number | undefined, random = Math.random): number {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  const floor = Math.max(retryAfterMs ?? 0, backoff / 2);
  return Math.round(floor + random() * (backoff / 2));
}

export interface AttemptFailure {
  error: LlmError;
  attempt: number;
  /** Undefined when no further attempt follows. */
  retryInMs: number | undefined;
}

export async function withRetries<T>(
  policy: RetryPolicy,
  fn: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; onFailure?: (f: AttemptFailure) => void; random?: () => number } = {},
): Promise<{ value: T; attempts: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { value: await fn(attempt), attempts: attempt };
    } catch (err) {
      // Providers translate every failure into an LlmError; anything else is a bug and is not retried.
      if (!(err instanceof LlmError)) throw err;
      const error = err;
      const retryAfter = error.retryAfterMs;
      const canRetry =
        error.retryable &&
        attempt <= policy.maxRetries &&
        !opts.signal?.aborted &&
        (retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs);
      const retryInMs = canRetry ? retryDelayMs(policy, attempt, retryAfter, opts.random) : undefined;
      opts.onFailure?.({ error, attempt, retryInMs });
      if (retryInMs === undefined) {
        error.attempts = attempt;
        throw error;
      }
      await sleep(retryInMs, opts.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A caller's cancellation is reported as a timeout that must not be retried (the caller's deadline has passed). */
export function abortError(): LlmError {
  return new LlmError('timeout', 'the caller cancelled the request', { aborted: true });
}
