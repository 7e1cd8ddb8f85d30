/**
 * Both official SDKs (Anthropic's and OpenAI's) are generated from the same template and throw the same family of
 * errors, each from its own classes. One translation into our closed set serves both.
 */
import { fromHttpStatus, LlmError } from '../errors.js';
import { abortError } from '../retry.js';

type ErrorClass = abstract new (...args: never[]) => Error;

export interface SdkErrorClasses {
  APIUserAbortError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIError: ErrorClass;
}

interface ApiErrorLike {
  status?: unknown;
  headers?: { get(name: string): string | null };
  message: string;
}

export function fromSdkError(
  provider: string,
  err: unknown,
  signal: AbortSignal,
  sdk: SdkErrorClasses,
  /** A provider's own reading of an HTTP error (Anthropic's 529), tried before the generic one. */
  special?: (e: ApiErrorLike & { status: number }) => LlmError | undefined,
): LlmError {
  if (err instanceof LlmError) return err;
  // Order matters: the timeout and abort errors are subclasses of APIConnectionError, which is an APIError.
  if (err instanceof sdk.APIUserAbortError || signal.aborted) return abortError();
  if (err instanceof sdk.APIConnectionTimeoutError) return new LlmError('timeout', `${provider} did not answer in time`, { provider, cause: err });
  if (err instanceof sdk.APIConnectionError) {
    return new LlmError('network', `could not reach ${provider}: ${err.message}`, { provider, cause: err });
  }
  if (err instanceof sdk.APIError) {
    const e = err as unknown as ApiErrorLike;
    if (typeof e.status === 'number') {
      const withStatus = e as ApiErrorLike & { status: number };
      // Anthropic's errors carry the body's own message; OpenAI's message already is it.
      const detail = (err as { apiMessage?: string | null }).apiMessage ?? e.message;
      return special?.(withStatus) ?? fromHttpStatus(provider, withStatus.status, e.headers, detail, err);
    }
  }
  // A 200 whose body is not JSON surfaces as a SyntaxError from the SDK's parser.
  if (err instanceof SyntaxError) {
    return new LlmError('bad_response', `${provider} answered with a malformed body: ${err.message}`, { provider, cause: err });
  }
  return new LlmError('network', `${provider} call failed: ${String(err)}`, { provider, cause: err });
}
