/**
 * The cluster-wide machine limit in Postgres: two "dispatching workers" (two pools, as two processes would have)
 * share 4 slots while 10 runs wait; a dispatcher whose connection dies gives its slot back.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../../src/db/pool.js';
import { MACHINE_SLOT_LOCK_CLASS } from '../../../src/db/locks.js';
import { acquireMachineSlot, tryAcquireMachineSlot, type MachineSlot } from '../../../src/dispatch/slots.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const LIMIT = 4;
let workers: pg.Pool[];

beforeAll(() => {
  workers = [createPool(db.url, { max: 8 }), createPool(db.url, { max: 8 })];
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.end()));
});

/** Slots held right now, as Postgres sees them. */
async function heldInPostgres(): Promise<number> {
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, [MACHINE_SLOT_LOCK_CLASS]);
  return rows[0].n;
}

describe('machine slots', () => {
  it('holds at most 4 across two dispatching workers while 10 runs wait, and lets every run through', async () => {
    let active = 0;
    let most = 0;
    let total = 0;
    const held: (() => void)[] = [];
    const acquired: (() => void)[] = [];
    const nextAcquire = () => new Promise<void>((resolve) => acquired.push(resolve));

    const runs = Array.from({ length: 10 }, async (_, i) => {
      const slot = await acquireMachineSlot(workers[i % 2]!, LIMIT, { pollMs: 20 });
      total++;
      most = Math.max(most, ++active);
      await new Promise<void>((done) => {
        held.push(done);
        acquired.shift()?.();
      });
      active--;
      await slot.release();
    });

    // Fill the slots, then check from both workers that a fifth is refused while they are held.
    while (held.length < LIMIT) await nextAcquire();
    expect(await tryAcquireMachineSlot(workers[0]!, LIMIT)).toBeNull();
    expect(await tryAcquireMachineSlot(workers[1]!, LIMIT)).toBeNull();
    expect(await heldInPostgres()).toBe(LIMIT);

    // Finish the runs one at a time; each freed slot lets one waiting run in.
    for (let finished = 0; finished < 10; finished++) {
      const next = total < 10 ? nextAcquire() : null;
      held.shift()!();
      if (next) await next;
    }
    await Promise.all(runs);
    expect(most).toBe(LIMIT);
    expect(await heldInPostgres()).toBe(0);
  });

  it('gives the slot of a dispatcher whose connection died back to the others', async () => {
    const slots: MachineSlot[] = [];
    for (let i = 0; i < LIMIT; i++) slots.push((await tryAcquireMachineSlot(workers[0]!, LIMIT))!);
    expect(await tryAcquireMachineSlot(workers[1]!, LIMIT)).toBeNull();

    // The dispatcher holding slot 2 dies: Postgres ends its session.
    await db.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objid = 2
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [MACHINE_SLOT_LOCK_CLASS],
    );
    const taken = await acquireMachineSlot(workers[1]!, LIMIT, { pollMs: 20 });
    expect(taken.slot).toBe(2);
    await Promise.all([...slots, taken].map((s) => s.release()));
    expect(await heldInPostgres()).toBe(0);
  });
});
