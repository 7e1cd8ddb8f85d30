/**
 * Remote dispatch end to end: a benchmark run created through the JSON API while BENCH_REMOTE=fly is claimed by a
 * real worker, dispatched to the fake Fly Machines API on 127.0.0.1, whose machine is this build's `run-one` as a
 * child process with exactly the machine config's env; it writes items and outcome to the test database itself.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { machinesForRun } from '../../../src/dispatch/queries.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeFlyMachines, type FakeFly, type FakeMachine } from '../../fakes/fly-machines.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { waitFor } from '../runs/helpers.js';
import { benchApp, createViaApi, finished, isProbe, itemOf } from '../bench/helpers.js';
import { allDestroyed, remoteEnv, startDispatchWorker, type DispatchWorker } from './remote-helpers.js';

const db = useTestDatabase();
let fly: FakeFly;
let llm: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
let env: Record<string, string>;
const workers: DispatchWorker[] = [];

// Secrets the worker holds that no machine needs: none may reach a machine.
const UNRELATED = { ANTHROPIC_API_KEY: 'sk-ant-not-for-machines', SUPABASE_SERVICE_ROLE_KEY: 'service-role-not-for-machines', RESEND_API_KEY: 're_not_for_machines' };

beforeAll(async () => {
  llm = await startFakeOpenAiCompatible();
  fly = await startFakeFlyMachines();
  env = remoteEnv(fly, llm.url, UNRELATED);
  app = await benchApp(db, env);
  admin = await signIn(app, db, { admin: true });
});
beforeEach(() => {
  llm.reset();
  llm.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`) }));
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await app?.close();
  await fly?.close();
  await llm?.close();
});

async function createRemote(models = ['openai-compatible/model-a'], count = 2) {
  const created = await createViaApi(app, admin, { models, kinds: ['numeric'], count, seed: 'remote', concurrency: 1, budgetTokens: 1_000_000 });
  expect(created.status).toBe(201);
  return created.body.runs as { id: string; runId: string }[];
}

/** The run's machine rows once the dispatcher has recorded how each ended (it does so after the run's outcome). */
const endedMachines = (runId: string, n: number) =>
  waitFor(async () => {
    const rows = await machinesForRun(db.pool, runId);
    return rows.length === n && rows.every((r) => r.endKind !== null) ? rows : null;
  }, { what: `${n} machine(s) recorded as ended` });

const machinesOf = (runId: string) => [...fly.machines.values()].filter((m) => m.config.metadata?.run_id === runId);

describe('a dispatched run', () => {
  it('runs on a machine with exactly the env it was given, writes its items, and the machine is destroyed', async () => {
    const [run] = await createRemote();
    const { rows: flag } = await db.pool.query('SELECT remote FROM bench_runs WHERE id = $1', [run!.id]);
    expect(flag[0].remote).toBe(true);
    const w = await startDispatchWorker(db, env);
    workers.push(w);
    const s = await finished(app, db, admin, run!.id, run!.runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts.correct).toBe(2);

    const [m, ...others] = machinesOf(run!.runId);
    expect(others).toEqual([]);
    await waitFor(async () => allDestroyed(fly), { what: 'the machine destroyed' });
    expect(m!.config.image).toBe('registry.fly.io/your-fly-app:deployment-1');
    expect(m!.config.restart).toEqual({ policy: 'no' });
    expect(m!.config.auto_destroy).toBe(true);
    expect(m!.config.metadata).toEqual({ app: fly.app, dispatcher: 'bench', run_id: run!.runId, run_attempt: '1' });
    expect(m!.region).toBe('ams');
    expect(m!.config.guest).toEqual({ cpu_kind: 'shared', cpus: 1, memory_mb: 1024 });

    // The env: the database, the run's provider's settings and key, plain limits; nothing else of the worker's.
    const given = m!.config.env as Record<string, string>;
    expect(Object.keys(given).sort()).toEqual([
      'BENCH_PAUSE_POLL_MS', 'DATABASE_POOL_SIZE', 'DATABASE_URL', 'GRADER_CONCURRENCY', 'GRADER_MEMORY_LIMIT_MB', 'GRADER_POOL_SIZE',
      'GRADER_TIME_LIMIT_MS', 'LLM_MAX_RETRIES', 'LLM_TIMEOUT_MS', 'LOG_LEVEL', 'NODE_ENV', 'OPENAI_COMPAT_API_KEY', 'OPENAI_COMPAT_BASE_URL',
      'OPENAI_COMPAT_MODELS', 'WORKER_LEASE_MS',
    ]);
    expect(given.DATABASE_URL).toBe(db.url);
    expect(given.OPENAI_COMPAT_API_KEY).toBe('test-key');
    // What the child process saw is exactly that: no variable it was not given.
    const seen = JSON.parse(/^ENV (.*)$/m.exec(m!.stdout)![1]!);
    expect(seen).toEqual(given);

    // Recorded on the run: machine, region, state changes, seconds and cost.
    const [row] = await endedMachines(run!.runId, 1);
    expect(row).toMatchObject({ machineId: m!.id, region: 'ams', attempt: 1, endKind: 'exited', exitCode: 0 });
    expect(row!.seconds).toBeGreaterThan(0);
    expect(row!.costUsd).toBeGreaterThan(0);
    expect(row!.destroyedAt).not.toBeNull();
    expect(row!.states.map((x) => x.state)).toEqual(['created', 'started', 'stopped', 'destroyed']);
    expect(row!.states.find((x) => x.state === 'stopped')!.note).toBe('exited with code 0');

    // No secret in the run's rows, events, machine rows, or the worker's log.
    const { rows: stored } = await db.pool.query(
      `SELECT (SELECT row_to_json(r)::text FROM runs r WHERE r.id = $1) || (SELECT json_agg(e)::text FROM run_events e WHERE e.run_id = $1)
         || (SELECT json_agg(m)::text FROM run_machines m WHERE m.run_id = $1) AS text`,
      [run!.runId],
    );
    for (const secret of ['test-key', db.url, fly.token, ...Object.values(UNRELATED)]) {
      expect(stored[0].text).not.toContain(secret);
      expect(w.logs()).not.toContain(secret);
    }
  }, 120_000);

  it('resumes on a new machine with the items not yet done when the first machine dies mid-run', async () => {
    llm.reset();
    llm.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`), delayMs: 200 }));
    const [run] = await createRemote(['openai-compatible/model-a'], 5);
    const w = await startDispatchWorker(db, env);
    workers.push(w);
    const itemsRecorded = () => db.pool.query(`SELECT item_id, run_attempt FROM bench_items WHERE bench_run_id = $1`, [run!.id]).then((r) => r.rows);
    const before = await waitFor(async () => ((await itemsRecorded()).length >= 2 ? itemsRecorded() : null), { what: 'two items recorded' });
    const first = machinesOf(run!.runId)[0] as FakeMachine;
    const requestsAtKill = llm.requests.length;
    first.child!.kill('SIGKILL');

    const s = await finished(app, db, admin, run!.id, run!.runId);
    expect(s.status).toBe('succeeded');
    expect(s.counts.correct).toBe(5);
    const after = await itemsRecorded();
    expect(after).toHaveLength(5);
    // The items recorded before the kill were kept, not asked for again.
    const done = new Set(before.map((r) => r.item_id));
    for (const req of llm.requests.slice(requestsAtKill)) expect(done.has(itemOf(req.body).id)).toBe(false);
    expect(after.filter((r) => r.run_attempt === 2).length).toBe(5 - after.filter((r) => r.run_attempt === 1).length);
    const rows = await endedMachines(run!.runId, 2);
    expect(rows.map((r) => [r.attempt, r.endKind, r.exitCode])).toEqual([[1, 'exited', 137], [2, 'exited', 0]]);
    await waitFor(async () => allDestroyed(fly), { what: 'every machine destroyed' });
    const { rows: events } = await db.pool.query(`SELECT type, message FROM run_events WHERE run_id = $1 AND type = 'retry'`, [run!.runId]);
    expect(events[0].message).toContain('exited with code 137 (SIGKILL)');
  }, 180_000);
});

describe('the machine limit', () => {
  it('holds across two dispatching workers with 10 runs queued, and every run succeeds', async () => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(...(await createRemote(['openai-compatible/model-a', 'openai-compatible/model-b'], 1)));
    expect(runs).toHaveLength(10);
    let live = 0;
    let most = 0;
    const seen = new Set<string>();
    const onState = (m: FakeMachine) => {
      if (m.state === 'created' && !seen.has(m.id)) (seen.add(m.id), (most = Math.max(most, ++live)));
      if (m.state === 'destroyed' && seen.delete(m.id)) live--;
    };
    fly.events.on('state', onState);
    const limited = { ...env, BENCH_REMOTE_CONCURRENCY: '3', WORKER_CONCURRENCY: '6' };
    workers.push(await startDispatchWorker(db, limited), await startDispatchWorker(db, limited));
    for (const run of runs) expect((await finished(app, db, admin, run.id, run.runId)).status).toBe('succeeded');
    await waitFor(async () => live === 0, { what: 'every machine destroyed' });
    fly.events.off('state', onState);
    expect(most).toBe(3);
    expect(seen.size).toBe(0);
  }, 300_000);
});
