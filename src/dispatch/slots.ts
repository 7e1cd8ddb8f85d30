/**
 * The cluster-wide limit on live machines (BENCH_REMOTE_CONCURRENCY in the design), enforced in Postgres: slot k is
 * the session advisory lock (MACHINE_SLOT_LOCK_CLASS, k), held on its own connection for as long as the machine
 * lives. Every dispatcher on every host sees the same locks, and a dispatcher that dies loses its connection and so
 * its slot: no row to clean up, no count to drift. Slots are tried one statement each, not in one
 * `WHERE pg_try_advisory_lock(...) LIMIT 1` query, whose planner may take locks on rows it then drops.
 */
import type pg from 'pg';
import { advisoryUnlock2, MACHINE_SLOT_LOCK_CLASS, tryAdvisoryLock2 } from '../db/locks.js';

export interface MachineSlot {
  slot: number;
  /** The slot's connection broke, so Postgres no longer holds the slot for us. */
  readonly lost: boolean;
  /** Unlocks and returns the connection; a broken connection is discarded (its lock went with it). */
  release(): Promise<void>;
}

/** One slot if any of the `limit` is free, else null. Holds one pool connection while the slot is held. */
export async function tryAcquireMachineSlot(pool: pg.Pool, limit: number): Promise<MachineSlot | null> {
  const client = await pool.connect();
  try {
    for (let slot = 0; slot < limit; slot++) {
      if (await tryAdvisoryLock2(client, MACHINE_SLOT_LOCK_CLASS, slot)) return heldSlot(client, slot);
    }
  } catch (err) {
    client.release(true);
    throw err;
  }
  client.release();
  return null;
}

/** Waits for a slot, asking again every `pollMs` (a slot frees when a machine ends, seconds to minutes apart). */
export async function acquireMachineSlot(pool: pg.Pool, limit: number, opts: { pollMs: number; signal?: AbortSignal }): Promise<MachineSlot> {
  for (;;) {
    opts.signal?.throwIfAborted();
    const slot = await tryAcquireMachineSlot(pool, limit);
    if (slot) return slot;
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs));
  }
}

function heldSlot(client: pg.PoolClient, slot: number): MachineSlot {
  let released = false;
  let lost = false;
  // A held connection that breaks (database restart, terminated backend) emits 'error' on the client; unheard, that
  // would crash the process. The lock is gone with it: `lost` says so.
  const onError = () => void (lost = true);
  client.on('error', onError);
  return {
    slot,
    get lost() {
      return lost;
    },
    async release() {
      if (released) return;
      released = true;
      client.off('error', onError);
      if (lost) return client.release(true);
      try {
        await advisoryUnlock2(client, MACHINE_SLOT_LOCK_CLASS, slot);
        client.release();
      } catch {
        client.release(true);
      }
    },
  };
}
