/**
 * A process's lease on a user's daily cap, against a real Postgres: one call at a time reserves exactly its own
 * worst case; calls in flight let the next ones take room already reserved, without a round trip; the room goes
 * back when nothing is in flight; two processes' leases never pass the cap between them; and room left from an
 * earlier day goes back to that day before anything is handed out on the new one. The store the lease is given
 * runs the real budget queries and keeps a list of what it was asked, so a test can see the round trips.
 */
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { releaseReservation, reserveTokens, type Reservation } from '../../../src/llm/budget-queries.js';
import { CallWrites } from '../../../src/llm/call-writes.js';
import { CapLease, type CapStore } from '../../../src/llm/cap-lease.js';
import { useTestDatabase } from '../../helpers/db.js';
import { newUser, usageRow } from './helpers.js';

const db = useTestDatabase({ poolSize: 6 });

/** The real queries, with a log of each request to the database. */
function observedStore(pool: pg.Pool, userId: string, cap: number): CapStore & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    reserve: async (tokens) => {
      asked.push(`reserve ${tokens}`);
      return reserveTokens(pool, userId, tokens, cap);
    },
    release: async (day, tokens) => {
      asked.push(`release ${day} ${tokens}`);
      await releaseReservation(pool, { userId, day, tokens });
    },
  };
}

describe('CapLease', () => {
  it('a call alone reserves exactly its own worst case and nothing more', async () => {
    const userId = await newUser(db.pool);
    const store = observedStore(db.pool, userId, 1000);
    const lease = new CapLease(userId, store);
    const r = (await lease.reserve(40))!;
    expect(r.tokens).toBe(40);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 40, calls: 0 });
    await lease.settled(r);
    expect(store.asked).toEqual(['reserve 40']);
    expect(lease.idle).toBe(true);
  });

  it('with calls in flight, the next call takes room already reserved; what is left goes back when none is in flight', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 30);
    const first = (await writes.reserve(userId, 10))!;
    // One call in flight: the next reserves its own 10 and as much again as is in flight, which fills the cap.
    const second = (await writes.reserve(userId, 10))!;
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 30, calls: 0 });
    // The database has no room left, yet the third is granted: it takes the lease's room, already counted there.
    const third = await writes.reserve(userId, 10);
    expect(third?.tokens).toBe(10);
    // Nothing is left anywhere: the fourth is refused, and the cap was never passed.
    expect(await writes.reserve(userId, 10)).toBeNull();
    expect(await usageRow(db.pool, userId)).toEqual({ used: 0, reserved: 30, calls: 0 });
    await Promise.all([writes.settle(first, 4), writes.settle(second, 5), writes.settle(third!, 6)]);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 15, reserved: 0, calls: 3 });
  });

  it('a failed call gives its room back to the lease, and the lease returns it once nothing is in flight', async () => {
    const userId = await newUser(db.pool);
    const writes = new CallWrites(db.pool, 100);
    const a = (await writes.reserve(userId, 10))!;
    const b = (await writes.reserve(userId, 10))!;
    await writes.release(b);
    // b was reserved with 10 more ahead of it (20 in one statement); its 10 is free room again, and with a still in
    // flight the lease keeps all of it: no release was written.
    expect((await usageRow(db.pool, userId))!.reserved).toBe(30);
    await writes.settle(a, 7);
    expect(await usageRow(db.pool, userId)).toEqual({ used: 7, reserved: 0, calls: 1 });
  });

  it("two processes' leases on one user's cap never pass it between them", async () => {
    const userId = await newUser(db.pool);
    const cap = 1000;
    const processes = [new CallWrites(db.pool, cap), new CallWrites(db.pool, cap)];
    // 200 calls of 1..30 tokens, half from each process, all in flight at once.
    const sizes = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7) % 30));
    const granted = await Promise.all(sizes.map((t, i) => processes[i % 2]!.reserve(userId, t)));
    const held = granted.map((r, i) => (r ? { r, writes: processes[i % 2]! } : null)).filter((g) => g !== null);
    const total = held.reduce((n, g) => n + g.r.tokens, 0);
    expect(total).toBeLessThanOrEqual(cap);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(sizes.length);
    const usage = (await usageRow(db.pool, userId))!;
    expect(usage.used + usage.reserved).toBeLessThanOrEqual(cap);
    expect(usage.reserved).toBeGreaterThanOrEqual(total);
    await Promise.all(held.map((g) => g.writes.settle(g.r, g.r.tokens)));
    expect(await usageRow(db.pool, userId)).toEqual({ used: total, reserved: 0, calls: held.length });
  });

  it("room left from an earlier day goes back to that day before anything is handed out on the new one", async () => {
    const userId = await newUser(db.pool);
    const store = observedStore(db.pool, userId, 1000);
    let today = new Date().toISOString().slice(0, 10);
    const lease = new CapLease(userId, store, () => today);
    const first = (await lease.reserve(10))!;
    await lease.reserve(10); // with the first in flight: reserves 20, 10 of them free
    const day = first.day;
    expect(store.asked).toEqual(['reserve 10', 'reserve 20']);
    // This process's clock turns to the next day; the free room was the old day's and must not be spent now.
    today = '2999-01-01';
    const third: Reservation | null = await lease.reserve(10);
    expect(third?.tokens).toBe(10);
    expect(store.asked[2]).toBe(`release ${day} 10`);
    expect(store.asked[3]).toMatch(/^reserve \d+$/);
  });
});
