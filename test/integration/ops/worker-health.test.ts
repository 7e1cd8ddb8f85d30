/**
 * The worker's health endpoint (fly.toml's worker check) is healthy while the claim loop ticks and the database
 * answers, and turns unhealthy when the loop stops ticking. The loop is the real one, claiming from the real
 * queue; "stops ticking" is the loop stopped, as a wedged or drained loop looks from outside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimRuns } from '../../../src/runs/lease-queries.js';
import { createDatabaseCheck } from '../../../src/ops/health.js';
import { staleAfterFor, startWorkerHealth, type WorkerHealthServer } from '../../../src/ops/worker-health.js';
import { createLoop, type WorkerLoop } from '../../../worker/loop.js';
import { useTestDatabase } from '../../helpers/db.js';

const db = useTestDatabase();
const POLL_MS = 50;
// A hundred missed polls: a claim on a machine loaded twenty deep can take a second, and a healthy loop must never
// look stale here; the stopped-loop test then waits these 5 s out, polling.
const STALE_MS = 100 * POLL_MS;
let loop: WorkerLoop;
let health: WorkerHealthServer;
let passes = 0;

beforeAll(async () => {
  loop = createLoop({
    concurrency: 1,
    pollMs: POLL_MS,
    claim: async (limit) => {
      passes++;
      return claimRuns(db.pool, { workerId: 'health-test', kinds: ['noop'], limit, leaseMs: 30_000 });
    },
    handle: async () => {},
    onError: () => {},
  });
  loop.start();
  health = await startWorkerHealth({
    host: '127.0.0.1',
    port: 0,
    lastTickAt: () => loop.lastTickAt,
    staleAfterMs: STALE_MS,
    checkDatabase: createDatabaseCheck(db.pool),
  });
});
afterAll(async () => {
  await loop?.stop();
  await health?.close();
});

async function probe(): Promise<{ status: number; body: { status: string; loop: string; database: string } }> {
  const res = await fetch(`http://127.0.0.1:${health.port}/__health`);
  return { status: res.status, body: await res.json() };
}

describe('worker health endpoint', () => {
  it('is 200 while the loop ticks and the database answers', async () => {
    // Wait for the loop to have made a few passes of its own (poll-driven claims), then ask.
    while (passes < 3) await new Promise((r) => setTimeout(r, POLL_MS));
    const r = await probe();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', loop: 'ok', database: 'ok' });
  });

  it('turns 503 once the loop has stopped ticking', async () => {
    await loop.stop();
    const stoppedAt = loop.lastTickAt;
    let r = await probe();
    // Polled until the staleness threshold has passed since the last tick: the event this test is about.
    while (r.status === 200) {
      await new Promise((res) => setTimeout(res, POLL_MS));
      r = await probe();
    }
    expect(r.status).toBe(503);
    expect(r.body.loop).toMatch(/^no tick for \d+ s$/);
    expect(r.body.database).toBe('ok');
    expect(Date.now() - stoppedAt).toBeGreaterThan(STALE_MS);
  });

  it('answers 404 for any other path', async () => {
    expect((await fetch(`http://127.0.0.1:${health.port}/`)).status).toBe(404);
  });

  it('waits several missed polls, and never less than 15 s, before calling a loop stopped', () => {
    expect(staleAfterFor(2_000)).toBe(15_000);
    expect(staleAfterFor(10_000)).toBe(50_000);
  });
});
