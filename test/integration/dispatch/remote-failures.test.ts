/**
 * Remote dispatch when things go wrong, through a real worker against the fake Fly Machines API: each failure ends
 * the run in the right state with the reason on it, and no machine is left alive.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunClaim } from '../../../src/dispatch/dispatcher.js';
import { getRun } from '../../../src/runs/queries.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeFlyMachines, type FakeFly } from '../../fakes/fly-machines.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { waitFor } from '../runs/helpers.js';
import { benchApp, createViaApi, isProbe, itemOf } from '../bench/helpers.js';
import { allDestroyed, exitsWith, realRunOne, remoteEnv, startDispatchWorker, type DispatchWorker } from './remote-helpers.js';

const db = useTestDatabase();
let fly: FakeFly;
let llm: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
let worker: DispatchWorker | undefined;

beforeAll(async () => {
  llm = await startFakeOpenAiCompatible();
  llm.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`) }));
  app = await benchApp(db, remoteEnv({ token: 't', app: 'your-fly-app', url: 'http://127.0.0.1:9' } as FakeFly, llm.url));
  admin = await signIn(app, db, { admin: true });
});
beforeEach(async () => {
  fly = await startFakeFlyMachines();
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  await fly.close();
});
afterAll(async () => {
  await app?.close();
  await llm?.close();
});

/** One remote run (queued, no worker yet); `maxAttempts` lowered so a retried failure ends soon. */
async function remoteRun(extra: Record<string, unknown> = {}, maxAttempts = 5): Promise<string> {
  const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 1, budgetTokens: 1_000_000, ...extra });
  expect(created.status).toBe(201);
  const runId = created.body.runs[0].runId as string;
  await db.pool.query('UPDATE runs SET max_attempts = $2 WHERE id = $1', [runId, maxAttempts]);
  return runId;
}

async function dispatch(env: Record<string, string> = {}, command: (claim: RunClaim) => string[] = realRunOne) {
  worker = await startDispatchWorker(db, remoteEnv(fly, llm.url, env), command);
}

async function ended(runId: string) {
  const run = await waitFor(async () => {
    const r = await getRun(db.pool, runId);
    return r && !['queued', 'running'].includes(r.status) ? r : null;
  }, { what: `run ${runId} to end` });
  await waitFor(async () => allDestroyed(fly), { what: 'every machine destroyed' });
  return run;
}

const creates = () => fly.log.filter((r) => r.action === 'create');

describe('a machine that does not succeed', () => {
  it('exits non-zero: a retried failure, then failed, every machine destroyed', async () => {
    const runId = await remoteRun({}, 2);
    await dispatch({}, exitsWith(3));
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'attempts_exhausted' });
    expect(run.error!.message).toMatch(/Last error: Machine \w+ exited with code 3/);
    expect(fly.machines.size).toBe(2);
  });

  it('exits 0 without recording an outcome: failed, never taken for a success', async () => {
    const runId = await remoteRun();
    await dispatch({}, exitsWith(0));
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'machine_no_outcome' });
    expect(fly.machines.size).toBe(1);
  });

  it('stops with no exit event: a failure, never read as success', async () => {
    const runId = await remoteRun({}, 1);
    fly.dropExitEventNext();
    await dispatch({}, exitsWith(0));
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error!.message).toMatch(/Machine \w+ stopped without an exit event/);
  });

  it('is still running at the time limit: force-destroyed, the run failed', async () => {
    const runId = await remoteRun();
    fly.stickNext();
    await dispatch({ BENCH_REMOTE_TIME_LIMIT_S: '2' });
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'machine_deadline' });
    expect(run.error!.message).toContain('still running at the time limit of 2 s');
    expect(fly.log.some((r) => r.action === 'destroy' && r.status === 200)).toBe(true);
  });
});

describe('the operator view and a cancel', () => {
  it('shows the live machine on the run page and /admin/ops; a cancel force-destroys it and the run ends canceled', async () => {
    const runId = await remoteRun();
    const { rows } = await db.pool.query('SELECT id::text AS id FROM bench_runs WHERE run_id = $1', [runId]);
    const benchId = rows[0].id as string;
    fly.stickNext();
    await dispatch();
    const machine = await waitFor(async () => [...fly.machines.values()].find((m) => m.state === 'started'), { what: 'the machine started' });
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM run_machines WHERE machine_id = $1', [machine.id])).rowCount, { what: 'the machine recorded' });

    const ops = await app.inject({ url: '/admin/ops', headers: { cookie: admin.cookie } });
    expect(ops.statusCode).toBe(200);
    const opsRow = new RegExp(`data-machine-id="${machine.id}"><td><code>${machine.id}</code></td><td><a href="/runs/${runId}">#${runId}</a></td>\\s*<td>1</td><td>ams</td><td>\\d+ s</td><td>created</td>`);
    expect(ops.body).toMatch(opsRow);
    const page = await app.inject({ url: `/bench/${benchId}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain(`<code>${machine.id}</code></td><td>1</td><td>ams</td><td>shared 1 vCPU, 1024 MB</td>`);

    const cancel = await app.inject({ method: 'POST', url: `/bench/${benchId}/cancel`, headers: admin.headers });
    expect(cancel.statusCode).toBe(303);
    const run = await ended(runId);
    expect(run.status).toBe('canceled');
    await waitFor(async () => (await db.pool.query('SELECT 1 FROM run_machines WHERE machine_id = $1 AND destroyed_at IS NOT NULL', [machine.id])).rowCount, { what: 'the machine recorded destroyed' });
    const after = await app.inject({ url: `/bench/${benchId}`, headers: { cookie: admin.cookie } });
    expect(after.body).toMatch(new RegExp(`<code>${machine.id}</code>.*<td>aborted</td>\\s*<td>[\\d.]+ s</td><td>\\$0\\.\\d{6}</td>`, 's'));
    expect(after.body).toContain('Machine cost so far: <span data-machine-cost>$0.');
    expect((await app.inject({ url: '/admin/ops', headers: { cookie: admin.cookie } })).body).toContain('No remote machine is live.');
  }, 120_000);
});

describe('the Machines API refusing', () => {
  it.each([401, 403, 422])('a create refused with %i fails the run at once; no machine exists', async (status) => {
    const runId = await remoteRun();
    fly.failNext('create', status);
    await dispatch();
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: `fly_create_${status}` });
    expect(run.error!.message).toContain(`HTTP ${status}`);
    expect(creates()).toHaveLength(1);
    expect(fly.machines.size).toBe(0);
  });

  it('rides out a 429 storm: retried by the client, then by the queue, and the run succeeds', async () => {
    const runId = await remoteRun();
    // Eight 429s: the client's six attempts give up once (the run goes back to the queue), the next attempt gets through.
    fly.failNext('create', 429, 8);
    fly.failNext('wait', 429, 3);
    await dispatch();
    const run = await ended(runId);
    expect(run.status).toBe('succeeded');
    expect(run.attempts).toBe(2);
    expect(creates().map((r) => r.status)).toEqual([...Array(8).fill(429), 200]);
    expect(fly.machines.size).toBe(1);
    const { rows } = await db.pool.query(`SELECT data->>'code' AS code FROM run_events WHERE run_id = $1 AND type = 'retry'`, [runId]);
    expect(rows).toEqual([{ code: 'fly_create_429' }]);
  }, 120_000);
});

describe('the cost guard', () => {
  // A shared 1-vCPU, 1 GB machine for the 3600 s time limit: (0.69 + 5) / 2,628,000 s × 3600 s = $0.0078.
  const estimate = 'estimated $0.0078 (machine $0.0078 for up to 3600 s at price table 2026-12-07; LLM price unknown)';

  it('refuses a dispatch over BENCH_MAX_RUN_COST_USD, with the estimate, before any machine', async () => {
    const runId = await remoteRun();
    await dispatch({ BENCH_REMOTE_TIME_LIMIT_S: '3600', BENCH_MAX_RUN_COST_USD: '0.005' });
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'dispatch_refused', message: `remote dispatch refused: ${estimate}, over the per-run limit of $0.0050 (BENCH_MAX_RUN_COST_USD)` });
    expect(creates()).toHaveLength(0);
  });

  it("refuses a dispatch over the run's own budget", async () => {
    const runId = await remoteRun({ budgetUsd: 0.002 });
    await dispatch({ BENCH_REMOTE_TIME_LIMIT_S: '3600' });
    const run = await ended(runId);
    expect(run.error).toEqual({ code: 'dispatch_refused', message: `remote dispatch refused: ${estimate}, over the run's budget of $0.0020` });
    expect(creates()).toHaveLength(0);
  });
});
