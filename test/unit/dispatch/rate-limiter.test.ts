import { describe, expect, it } from 'vitest';
import { ActionRateLimiter } from '../../../src/dispatch/rate-limiter.js';

/** A limiter on a clock that only moves when the limiter sleeps: what it waited is exactly what it slept. */
function limiter() {
  let clock = 0;
  const slept: number[] = [];
  const l = new ActionRateLimiter(
    () => clock,
    async (ms) => {
      slept.push(ms);
      clock += ms;
    },
  );
  return { l, slept, advance: (ms: number) => void (clock += ms) };
}

describe('ActionRateLimiter', () => {
  it('lets a burst of 3 mutating calls through, then spaces them 1 s apart', async () => {
    const { l, slept } = limiter();
    for (let i = 0; i < 5; i++) await l.acquire('create');
    expect(slept).toEqual([1000, 1000]);
  });

  it('lets 10 reads through, then 5 a second', async () => {
    const { l, slept } = limiter();
    for (let i = 0; i < 12; i++) await l.acquire('get');
    expect(slept).toEqual([200, 200]);
  });

  it('keeps one bucket per action', async () => {
    const { l, slept } = limiter();
    for (let i = 0; i < 3; i++) await l.acquire('create');
    for (let i = 0; i < 3; i++) await l.acquire('destroy');
    expect(slept).toEqual([]);
    await l.acquire('create');
    expect(slept).toEqual([1000]);
  });

  it('refills while idle, never beyond the burst', async () => {
    const { l, slept, advance } = limiter();
    for (let i = 0; i < 3; i++) await l.acquire('create');
    advance(60_000);
    for (let i = 0; i < 4; i++) await l.acquire('create');
    expect(slept).toEqual([1000]);
  });
});
