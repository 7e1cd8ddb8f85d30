/**
 * The claim loop and the batcher on their own (no database: claim and handle are just functions), and the error
 * classification that decides retry vs fail.
 */
import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../../worker/batcher.js';
import { LlmError } from '../../../src/llm/errors.js';
import { classifyError, PermanentError, RetryableError } from '../../../worker/errors.js';
import { createLoop } from '../../../worker/loop.js';
import { waitFor } from './helpers.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('worker loop', () => {
  it('never holds more than `concurrency` jobs and refills freed slots with one claim', async () => {
    let queue = Array.from({ length: 20 }, (_, i) => i);
    const claims: number[] = [];
    const gates = new Map<number, ReturnType<typeof deferred>>();
    let inHand = 0;
    let maxInHand = 0;
    const loop = createLoop<number>({
      concurrency: 4,
      pollMs: 60_000,
      claim: async (limit) => {
        claims.push(limit);
        const got = queue.slice(0, limit);
        queue = queue.slice(limit);
        return got;
      },
      handle: async (job) => {
        inHand++;
        maxInHand = Math.max(maxInHand, inHand);
        const gate = deferred();
        gates.set(job, gate);
        await gate.promise;
        inHand--;
      },
      onError: (err) => {
        throw err;
      },
    });
    loop.start();
    await waitFor(async () => loop.inFlight === 4, { what: 'four jobs in hand' });
    expect(claims).toEqual([4]);
    // Three finish in the same tick: one claim for three slots, not three claims.
    for (const j of [0, 1, 2]) gates.get(j)!.resolve();
    await waitFor(async () => claims.length === 2, { what: 'the refill claim' });
    expect(claims[1]).toBe(3);
    while (queue.length > 0 || loop.inFlight > 0) {
      for (const g of gates.values()) g.resolve();
      await new Promise((r) => setTimeout(r, 5));
    }
    await loop.stop();
    expect(maxInHand).toBe(4);
  });

  it('claims when woken, when the poll fires, and not after stop', async () => {
    let available = 0;
    let claimCalls = 0;
    let handled = 0;
    const loop = createLoop<number>({
      concurrency: 2,
      pollMs: 100,
      claim: async (limit) => {
        claimCalls++;
        const n = Math.min(limit, available);
        available -= n;
        return Array.from({ length: n }, (_, i) => i);
      },
      handle: async () => {
        handled++;
      },
      onError: () => {},
    });
    loop.start();
    await waitFor(async () => claimCalls >= 1, { what: 'the first claim' });
    available = 1;
    loop.wake();
    await waitFor(async () => handled === 1, { what: 'the woken claim' });
    available = 1; // no wake: only the poll finds it
    await waitFor(async () => handled === 2, { what: 'the poll to find the job' });
    await loop.stop();
    const calls = claimCalls;
    available = 5;
    loop.wake();
    await new Promise((r) => setTimeout(r, 300));
    expect(claimCalls).toBe(calls);
    expect(handled).toBe(2);
  });

  it('reports a failing claim and tries again on the next poll', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = createLoop<number>({
      concurrency: 1,
      pollMs: 50,
      claim: async () => {
        calls++;
        if (calls === 1) throw new Error('connection reset');
        return [];
      },
      handle: async () => {},
      onError: (err) => errors.push(err),
    });
    loop.start();
    await waitFor(async () => calls >= 2, { what: 'a second claim after the failure' });
    await loop.stop();
    expect((errors[0] as Error).message).toBe('connection reset');
  });
});

describe('batcher', () => {
  it('sends what arrives together in one flush, and what arrives during a flush in the next', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const b = createBatcher(async (items: number[]) => {
      flushes.push(items);
      if (flushes.length === 1) await new Promise<void>((r) => (release = r));
      return items.length;
    });
    const first = [b.add(1), b.add(2)];
    await waitFor(async () => flushes.length === 1, { what: 'the first flush' });
    const second = [b.add(3), b.add(4), b.add(5)];
    release();
    expect(await Promise.all([...first, ...second])).toEqual([2, 2, 3, 3, 3]);
    expect(flushes).toEqual([[1, 2], [3, 4, 5]]);
  });
});

describe('classifyError', () => {
  it.each([
    [new RetryableError('slow down', 'rate_limited', 2000), true, 'rate_limited'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true, 'connection'],
    [Object.assign(new Error('terminating connection'), { code: '57P01' }), true, 'connection'],
    [Object.assign(new Error('database "bench" is not currently accepting connections'), { code: '55000' }), true, 'connection'],
    [Object.assign(new Error('cannot drop the object: it is in use'), { code: '55000' }), false, '55000'],
    [Object.assign(new Error('Too many requests'), { status: 429, headers: { 'retry-after': '7' } }), true, 'rate_limited'],
    [Object.assign(new Error('Overloaded'), { status: 529 }), true, 'overloaded'],
    [Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }), true, 'timeout'],
    [Object.assign(new Error('bad request'), { status: 400 }), false, 'http_400'],
    [new PermanentError('no such problem', 'bad_payload'), false, 'bad_payload'],
    [new TypeError('x is undefined'), false, 'error'],
    [new LlmError('rate_limited', 'Anthropic: 429', { status: 429, retryAfterMs: 3000 }), true, 'rate_limited'],
    [new LlmError('overloaded', 'Anthropic: 529', { status: 529 }), true, 'overloaded'],
    [new LlmError('timeout', 'no answer in 60 s'), true, 'timeout'],
    [new LlmError('auth_failed', 'Anthropic: 401', { status: 401 }), false, 'auth_failed'],
    [new LlmError('budget_exceeded', 'AI budget for today is used up'), false, 'budget_exceeded'],
  ])('%s -> retryable %s (%s)', (err, retryable, code) => {
    const c = classifyError(err);
    expect(c.retryable).toBe(retryable);
    expect(c.code).toBe(code);
    expect(c.message).toBe((err as Error).message);
  });

  it('reads Retry-After as a floor for the delay', () => {
    expect(classifyError(Object.assign(new Error('x'), { status: 429, headers: { 'retry-after': '7' } })).retryAfterMs).toBe(7000);
    expect(classifyError(new RetryableError('x', 'r', 1500)).retryAfterMs).toBe(1500);
    expect(classifyError(new LlmError('rate_limited', 'x', { retryAfterMs: 3000 })).retryAfterMs).toBe(3000);
  });
});
