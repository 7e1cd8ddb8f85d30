/**
 * The database writes of LLM calls -- reserve against the daily cap, settle, the llm_calls row. Reservations go
 * through the user's lease (cap-lease.ts): calls arriving together are reserved in one statement, and while calls
 * are in flight the next ones take room already reserved, with no round trip. Settles and rows are group-committed:
 * the ones that arrive while a statement is in flight go together in the next. A benchmark run at concurrency 50
 * would otherwise send three statements per call, two of them queued on the same row lock (the user's day).
 */
import type { Queryable } from '../db/pool.js';
import { GroupCommit } from '../db/group-commit.js';
import { CapLease, utcToday } from './cap-lease.js';
import { releaseReservation, reserveTokens, settleReservation, type Reservation } from './budget-queries.js';
import { insertLlmCalls, type CallRecord } from './telemetry-queries.js';

/** One entry per user and UTC day seen by this process is kept; past this many they are all forgotten (a write in flight keeps its own reference). */
const MAX_KEYS = 1000;

export class CallWrites {
  readonly #leases = new Map<string, CapLease>();
  readonly #settlers = new Map<string, GroupCommit<{ reservation: Reservation; used: number }>>();
  /** Each record's own error (null: written), so one bad row never costs the others theirs. */
  readonly #records: GroupCommit<CallRecord, unknown>;

  constructor(
    private readonly pool: Queryable,
    private readonly defaultCap: number,
    /** The UTC date by this process's clock (tests move it); the database still decides a reservation's day. */
    private readonly today: () => string = utcToday,
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

  /** Reserves `tokens` for the user today, or null when the cap has no room for them (through the user's lease: cap-lease.ts). */
  reserve(userId: string, tokens: number): Promise<Reservation | null> {
    return this.#lease(userId).reserve(tokens);
  }

  /**
   * Turns a reservation into real usage. Settles waiting together go as one UPDATE (the sums of their reservations
   * and real counts); a waiting settle keeps its reservation counted a moment longer, which can only overstate the
   * day's usage, never let the cap be passed.
   */
  settle(reservation: Reservation, used: number): Promise<void> {
    const { userId, day } = reservation;
    const written = keyed(this.#settlers, `${userId}:${day}`, () =>
      new GroupCommit<{ reservation: Reservation; used: number }>(async (batch) => {
        const reserved = batch.reduce((n, b) => n + b.reservation.tokens, 0);
        const usedAll = batch.reduce((n, b) => n + b.used, 0);
        await settleReservation(this.pool, { userId, day, tokens: reserved }, usedAll, batch.length);
      }),
    ).add({ reservation, used });
    return Promise.all([written, this.#lease(userId).settled(reservation)]).then(() => {});
  }

  /** Gives a failed call's reservation back to its lease. */
  release(reservation: Reservation): Promise<void> {
    return this.#lease(reservation.userId).giveBack(reservation);
  }

  #lease(userId: string): CapLease {
    let lease = this.#leases.get(userId);
    if (!lease) {
      // A lease with nothing in it can be forgotten; one holding room or calls must stay, or its room would leak.
      if (this.#leases.size >= MAX_KEYS) for (const [k, l] of this.#leases) if (l.idle) this.#leases.delete(k);
      lease = new CapLease(userId, {
        reserve: (tokens) => reserveTokens(this.pool, userId, tokens, this.defaultCap),
        release: (day, tokens) => releaseReservation(this.pool, { userId, day, tokens }),
      }, this.today);
      this.#leases.set(userId, lease);
    }
    return lease;
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
