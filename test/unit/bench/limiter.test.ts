/** The adaptive concurrency limit: shrink ×0.8 on throttling, grow back by 1/limit per clean answer, honour holds. */
import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, type LimitChange } from '../../../src/bench/limiter.js';

describe('AdaptiveLimiter', () => {
  it('shrinks on throttling, never below one, and records each whole-number change', () => {
    const changes: LimitChange[] = [];
    const l = new AdaptiveLimiter(10, (c) => changes.push(c));
    l.throttled('rate_limited');
    expect(l.current).toBe(8);
    for (let i = 0; i < 20; i++) l.throttled('rate_limited');
    expect(l.current).toBe(1);
    expect(changes[0]).toMatchObject({ from: 10, to: 8, why: 'rate_limited' });
    expect(changes.at(-1)).toMatchObject({ to: 1 });
  });
  it('grows back slowly: from 8 it takes 9 clean answers to reach 9 (each adds 1/limit: 8 + 1/8 + 1/8.125 + … = 8.96 after eight), and never passes the maximum', () => {
    const l = new AdaptiveLimiter(10);
    l.throttled('overloaded');
    for (let i = 0; i < 8; i++) l.succeeded();
    expect(l.current).toBe(8);
    l.succeeded();
    expect(l.current).toBe(9);
    for (let i = 0; i < 100; i++) l.succeeded();
    expect(l.current).toBe(10);
  });
  it('admits at most `current` at once and lets a waiter in on release', async () => {
    const l = new AdaptiveLimiter(2);
    await l.acquire();
    await l.acquire();
    let third = false;
    const p = l.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    l.release();
    await p;
    expect(third).toBe(true);
    expect(l.active).toBe(2);
  });
  it('holds new calls until a Retry-After has passed', async () => {
    let now = 1000;
    const l = new AdaptiveLimiter(4, () => {}, () => now);
    l.throttled('rate_limited', 50);
    let admitted = false;
    const p = l.acquire().then(() => (admitted = true));
    await new Promise((r) => setImmediate(r));
    expect(admitted).toBe(false);
    now = 1051; // the hold's timer fires (real 50 ms) and the waiter sees the clock past the hold
    await p;
    expect(admitted).toBe(true);
  });
});
