/**
 * The claim session: claims get a Postgres session of their own (the loop makes one claim at a time), tuned by
 * tuneClaimSession before the connection's first claim (not queued behind it from a 'connect' listener, which pg
 * deprecates).
 */
import type pg from 'pg';
import { createPool } from '../src/db/pool.js';
import { claimRuns, tuneClaimSession } from '../src/runs/lease-queries.js';

export interface ClaimerOptions {
  databaseUrl: string;
  workerId: string;
  kinds: string[];
  leaseMs: number;
}

export function createClaimer(opts: ClaimerOptions) {
  const claimPool = createPool(opts.databaseUrl, { max: 1, applicationName: 'bench-worker-claim' });
  const tuned = new WeakSet<pg.PoolClient>();
  async function claim(limit: number) {
    const client = await claimPool.connect();
    try {
      if (!tuned.has(client)) {
        await tuneClaimSession(client);
        tuned.add(client);
      }
      const runs = await claimRuns(client, { workerId: opts.workerId, kinds: opts.kinds, limit, leaseMs: opts.leaseMs });
      client.release();
      return runs;
    } catch (err) {
      client.release(err as Error); // a failed session is discarded; its replacement is tuned on first use
      throw err;
    }
  }
  return { claim, close: () => claimPool.end() };
}
