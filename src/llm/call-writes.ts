/**
 * The database writes of LLM calls -- reserve against the daily cap, settle, the llm_calls row -- group-committed:
 * the calls that arrive while one statement is in flight go together in the next. A benchmark run at concurrency 50
 * would otherwise send three statements per call, two of them queued on the same row lock (the user's day).
 * Batching never lets the cap be passed: a batch of reservations is granted whole by one atomic statement, and when
 * it does not fit, each is tried alone, in order, exactly as if they had come one by one.
 */
import type { Queryable } from '../db/pool.js';
import { GroupCommit } from '../db/group-commit.js';
import { releaseReservation, reserveTokens, settleReservation, type Reservation } from './budget-queries.js';
import { insertLlmCalls, type CallRecord } from './telemetry-queries.js';

/** One entry per user and UTC day seen by this process is kept; past this many they are all forgotten (a write in flight keeps its own reference). */
const MAX_KEYS = 1000;

export class CallWrites {
  readonly #reservers = new Map<string, GroupCommit<number, Reservation | null>>();
  readonly #settlers = new Map<string, GroupCommit<{ reservation: Reservation; used: number }>>();
  /** Each record's own error (null: written), so one bad row never costs the others theirs. */
  readonly #records: GroupCommit<CallRecord, unknown>;

  constructor(
    private readonly pool: Queryable,
    private readonly defaultCap: number,
  ) {
    this.#records = new GroupCommit(async (records) => {
      try {
        await insertLlmCalls(pool, records);
        return records.map(() => null);
      } catch (err) {
        if (records.length === 1) return [err];
        const out: unknown[] = [];
        for (const r of records) out.push(await insertLlmCalls(pool, [r]).then(() => null, (e: unknown) => e));
        return out;
      }
    });
  }

  /** Reserves `tokens` for the user today, or null when the cap has no room for them. */
  reserve(userId: string, tokens: number): Promise<Reservation | null> {
    return keyed(this.#reservers, userId, () =>
      new GroupCommit<number, Reservation | null>(async (batch) => {
        const whole = await reserveTokens(this.pool, userId, batch.reduce((n, t) => n + t, 0), this.defaultCap);
        if (whole) return batch.map((t) => ({ ...whole, tokens: t }));
        if (batch.length === 1) return [null];
        const out: (Reservation | null)[] = [];
        for (const t of batch) out.push(await reserveTokens(this.pool, userId, t, this.defaultCap));
        return out;
      }),
    ).add(tokens);
  }

  /**
   * Turns a reservation into real usage. Settles waiting together go as one UPDATE (the sums of their reservations
   * and real counts); a waiting settle keeps its reservation counted a moment longer, which can only overstate the
   * day's usage, never let the cap be passed.
   */
  settle(reservation: Reservation, used: number): Promise<void> {
    const { userId, day } = reservation;
    return keyed(this.#settlers, `${userId}:${day}`, () =>
      new GroupCommit<{ reservation: Reservation; used: number }>(async (batch) => {
        const reserved = batch.reduce((n, b) => n + b.reservation.tokens, 0);
        const usedAll = batch.reduce((n, b) => n + b.used, 0);
        await settleReservation(this.pool, { userId, day, tokens: reserved }, usedAll, batch.length);
      }),
    ).add({ reservation, used });
  }

  /** Gives a failed call's reservation back (rare: not batched). */
  release(reservation: Reservation): Promise<void> {
    return releaseReservation(this.pool, reservation);
  }

  /** Writes one call's row; rejects with that row's own error. */
  async record(r: CallRecord): Promise<void> {
    const err = await this.#records.add(r);
    if (err) throw err;
  }
}

function keyed<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (!v) {
    if (map.size >= MAX_KEYS) map.clear();
    v = make();
    map.set(key, v);
  }
  return v;
}
