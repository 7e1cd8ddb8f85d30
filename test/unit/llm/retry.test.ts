import { describe, expect, it } from 'vitest';
import { LlmError, parseRetryAfter } from '../../../src/llm/errors.js';
import { retryDelayMs, withRetries, type RetryPolicy } from '../../../src/llm/retry.js';

const policy: RetryPolicy = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 40, maxRetryAfterMs: 1000 };
const headers = (h: Record<string, string>) => new Headers(h);

describe('parseRetryAfter', () => {
  it('reads retry-after-ms first, then retry-after in seconds or as a date', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Mon, 23 Nov 2026 10:00:03 GMT' }), now)).toBe(3000);
  });

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('is never shorter than retry-after, and jitters above it', () => {
    expect(retryDelayMs(policy, 1, 500, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, 500, () => 1)).toBe(505);
  });

  it('backs off exponentially with jitter up to the maximum', () => {
    const lows = [1, 2, 3, 4].map((n) => retryDelayMs(policy, n, undefined, () => 0));
    const highs = [1, 2, 3, 4].map((n) => retryDelayMs(policy, n, undefined, () => 1));
    expect(lows).toEqual([5, 10, 20, 20]);
    expect(highs).toEqual([10, 20, 40, 40]);
  });
});

describe('withRetries', () => {
  const fails = (...errors: LlmError[]) => {
    let calls = 0;
    return {
      fn: async () => {
        const e = errors[calls++];
        if (e) throw e;
        return 'done';
      },
      calls: () => calls,
    };
  };

  it('retries retryable kinds and reports each failure', async () => {
    const seen: [string, boolean][] = [];
    const f = fails(new LlmError('overloaded', 'x'), new LlmError('network', 'y'));
    const r = await withRetries(policy, f.fn, { onFailure: ({ error, retryInMs }) => seen.push([error.kind, retryInMs !== undefined]) });
    expect(r).toEqual({ value: 'done', attempts: 3 });
    expect(seen).toEqual([
      ['overloaded', true],
      ['network', true],
    ]);
  });

  it('gives up after maxRetries and says how many attempts were made', async () => {
    const f = fails(...Array.from({ length: 5 }, () => new LlmError('timeout', 't')));
    const err = await withRetries(policy, f.fn).catch((e: LlmError) => e);
    expect(err).toMatchObject({ kind: 'timeout', attempts: 3 });
    expect(f.calls()).toBe(3);
  });

  it.each(['auth_failed', 'invalid_request', 'bad_response', 'not_configured', 'budget_exceeded'] as const)('does not retry %s', async (kind) => {
    const f = fails(new LlmError(kind, 'no'));
    await expect(withRetries(policy, f.fn)).rejects.toMatchObject({ kind, attempts: 1 });
    expect(f.calls()).toBe(1);
  });

  it('does not wait for a retry-after beyond the policy', async () => {
    const f = fails(new LlmError('rate_limited', 'later', { retryAfterMs: 5000 }));
    await expect(withRetries(policy, f.fn)).rejects.toMatchObject({ kind: 'rate_limited', attempts: 1 });
  });

  it('stops waiting when the caller aborts', async () => {
    const controller = new AbortController();
    const f = fails(new LlmError('rate_limited', 'later', { retryAfterMs: 900 }));
    setTimeout(() => controller.abort(), 20);
    await expect(withRetries(policy, f.fn, { signal: controller.signal })).rejects.toMatchObject({ kind: 'timeout', retryable: false });
    expect(f.calls()).toBe(1);
  });

  it('does not retry an error that is not an LlmError (a bug, not a provider failure)', async () => {
    let calls = 0;
    await expect(
      withRetries(policy, async () => {
        calls++;
        throw new TypeError('undefined is not a function');
      }),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});
