/**
 * One process's lease on one user's daily token cap. A benchmark run at concurrency 50 would otherwise make a
 * database round trip before every call just to reserve its worst case. Instead, when calls are in flight, the
 * process reserves their tokens and as much again as it already has in flight, in one statement. It hands that
 * room out to the next calls with no round trip, and gives back what is left once nothing is in flight.
 *
 * The cap is never passed: everything handed out was reserved in the database first, so every process still sees
 * it. What changes is that another process may see up to one lease's worth more reserved than is being spent. A
 * lease is never larger than what this process already has in flight, and it is returned when the calls stop. A
 * single call at a time reserves exactly its own worst case, as before.
 *
 * Near the cap the lease asks for exactly what the waiting calls need, then for each one alone, in order. A call
 * is granted when what the lease holds plus what the database has left covers it, exactly as if every call had
 * gone to the database alone. The database decides the day (UTC). Leftover room from an earlier day is given back
 * to that day before anything is handed out for the new one.
 */
import type { Reservation } from './budget-queries.js';

/** The two database writes a lease needs (budget-queries.ts): reserve on today's row, give back on a given day's. */
export interface CapStore {
  reserve(tokens: number): Promise<{ day: string } | null>;
  release(day: string, tokens: number): Promise<void>;
}

interface Waiter {
  tokens: number;
  resolve(r: Reservation | null): void;
  reject(err: unknown): void;
}

export const utcToday = () => new Date().toISOString().slice(0, 10);

export class CapLease {
  /** The database day the free room was reserved on. */
  #day = '';
  /** Reserved in the database for this process and not yet handed to a call. */
  #free = 0;
  /** Handed to calls that have not settled or released yet: the size of the next lease. */
  #outstanding = 0;
  #waiting: Waiter[] = [];
  /** A database exchange for this lease is in flight; calls that cannot be served from free room wait for it. */
  #busy = false;

  constructor(
    private readonly userId: string,
    private readonly store: CapStore,
    private readonly today: () => string = utcToday,
  ) {}

  /** True when the lease holds nothing and nothing waits on it (it can be forgotten). */
  get idle(): boolean {
    return this.#free === 0 && this.#outstanding === 0 && !this.#busy && this.#waiting.length === 0;
  }

  /** Reserves `tokens` for one call, or null when the cap has no room for them. */
  reserve(tokens: number): Promise<Reservation | null> {
    // With nobody waiting ahead of it, a call that the free room covers takes it at once.
    if (this.#waiting.length === 0 && this.#fromFree(tokens)) {
      const r = this.#take(tokens);
      this.#refill();
      return Promise.resolve(r);
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push({ tokens, resolve, reject });
      if (!this.#busy) void this.#pump();
    });
  }

  /** A call ended and its reservation was settled in the database: it is no longer in flight. */
  settled(r: Reservation): Promise<void> {
    this.#outstanding = Math.max(0, this.#outstanding - r.tokens);
    return this.#returnIfIdle();
  }

  /** A call failed: its reservation goes back to the free room (or to the database, if from another day). */
  async giveBack(r: Reservation): Promise<void> {
    this.#outstanding = Math.max(0, this.#outstanding - r.tokens);
    if (r.day === this.#day) this.#free += r.tokens;
    else await this.store.release(r.day, r.tokens);
    await this.#returnIfIdle();
  }

  /**
   * Tops the free room up before it runs out, while calls keep coming: below half of what is in flight, it asks for
   * as much again as is in flight, in the background. Without this, every call that found the room empty waited for
   * a round trip, and so did every call that came while it did. A refused top-up changes nothing: the next call that
   * does not fit asks for itself, exactly.
   */
  #refill(): void {
    if (this.#busy || this.#free * 2 >= this.#outstanding) return;
    const ask = this.#outstanding - this.#free;
    this.#busy = true;
    void this.store
      .reserve(ask)
      .then(async (got) => {
        if (got) await this.#credit(got.day, ask);
      })
      .catch(() => {}) // the next call that needs the database meets the same error, and is told
      .finally(() => {
        this.#busy = false;
        if (this.#waiting.length > 0) void this.#pump();
        else void this.#returnIfIdle().catch(() => {});
      });
  }

  #fromFree(tokens: number): boolean {
    return this.#free >= tokens && this.#day === this.today();
  }

  #take(tokens: number): Reservation {
    this.#free -= tokens;
    this.#outstanding += tokens;
    return { userId: this.userId, day: this.#day, tokens };
  }

  async #pump(): Promise<void> {
    this.#busy = true;
    while (this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0);
      let served = 0;
      try {
        if (this.#day !== this.today()) await this.#returnFree();
        for (; served < batch.length && this.#fromFree(batch[served]!.tokens); served++) batch[served]!.resolve(this.#take(batch[served]!.tokens));
        const rest = batch.slice(served);
        if (rest.length > 0) await this.#grant(rest, (i, r) => (rest[i]!.resolve(r), served++));
      } catch (err) {
        for (const w of batch.slice(served)) w.reject(err);
      }
    }
    this.#busy = false;
    await this.#returnIfIdle().catch(() => {});
  }

  /** The waiting calls the free room could not serve, in order; `give` hands the i-th its answer. */
  async #grant(rest: Waiter[], give: (i: number, r: Reservation | null) => void): Promise<void> {
    const need = rest.reduce((n, w) => n + w.tokens, 0);
    // Their need and, while calls are in flight, as much again as is in flight: the next calls' room.
    for (const ask of this.#outstanding > 0 ? [need + this.#outstanding, need] : [need]) {
      const got = await this.store.reserve(ask);
      if (!got) continue;
      await this.#credit(got.day, ask);
      rest.forEach((w, i) => give(i, this.#take(w.tokens)));
      return;
    }
    for (let i = 0; i < rest.length; i++) give(i, await this.#exact(rest[i]!.tokens));
  }

  /** One call near the cap: granted when the free room and what the database has left cover it together. */
  async #exact(tokens: number, retried = false): Promise<Reservation | null> {
    if (this.#fromFree(tokens)) return this.#take(tokens);
    if (this.#day !== this.today()) await this.#returnFree();
    const held = this.#free;
    this.#free = 0;
    const got = await this.store.reserve(tokens - held);
    if (!got) {
      this.#free += held;
      return null;
    }
    if (got.day !== this.#day && held > 0 && !retried) {
      // The day turned between this clock and the database's: the free room was the old day's. Undo and ask again.
      await this.store.release(got.day, tokens - held);
      this.#free += held;
      await this.#returnFree();
      return this.#exact(tokens, true);
    }
    this.#day = got.day;
    this.#free += tokens; // what was held and what the database granted
    return this.#take(tokens);
  }

  /** Adds room the database granted on `day`; room left from another day goes back to that day first. */
  async #credit(day: string, tokens: number): Promise<void> {
    if (day !== this.#day) {
      await this.#returnFree();
      this.#day = day;
    }
    this.#free += tokens;
  }

  /** Gives the free room back to the day it was reserved on. */
  async #returnFree(): Promise<void> {
    const tokens = this.#free;
    this.#free = 0;
    if (tokens > 0) await this.store.release(this.#day, tokens);
  }

  /** Nothing in flight and nobody waiting: the free room goes back, so other processes can use it. */
  async #returnIfIdle(): Promise<void> {
    if (this.#outstanding === 0 && !this.#busy && this.#waiting.length === 0) await this.#returnFree();
  }
}
