/**
 * A dispatching worker process SIGKILLed right after it created a machine: the machine is an orphan (its process
 * never runs: the fake is told to keep it stuck). A surviving worker requeues the run, dispatches it again, and its
 * machine sweeper destroys the orphan; the run succeeds on the second machine and nothing is left alive.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, expect, it } from 'vitest';
import { machinesForRun } from '../../../src/dispatch/queries.js';
import { getRun } from '../../../src/runs/queries.js';
import { signIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { startFakeFlyMachines, type FakeFly } from '../../fakes/fly-machines.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from '../runs/helpers.js';
import { benchApp, createViaApi, isProbe, itemOf } from '../bench/helpers.js';
import { allDestroyed, remoteEnv, startDispatchWorker, type DispatchWorker } from './remote-helpers.js';

const db = useTestDatabase();
let fly: FakeFly;
let llm: FakeOpenAiCompatible;
let app: FastifyInstance;
const processes: WorkerProcess[] = [];
let survivor: DispatchWorker | undefined;

afterAll(async () => {
  await killAll(processes);
  await survivor?.stop();
  await app?.close();
  await fly?.close();
  await llm?.close();
});

it('destroys the orphan of a dispatcher killed with SIGKILL right after create', async () => {
  llm = await startFakeOpenAiCompatible();
  llm.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`) }));
  fly = await startFakeFlyMachines();
  const env = remoteEnv(fly, llm.url);
  app = await benchApp(db, env);
  const admin = await signIn(app, db, { admin: true });
  const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], count: 1, budgetTokens: 1_000_000 });
  const runId = created.body.runs[0].runId as string;

  fly.stickNext();
  const doomed = spawnWorker(db.url, { ...env, GRADER_POOL_SIZE: '1', BENCH_REMOTE_SWEEP_MS: '600000' });
  processes.push(doomed);
  const [orphan] = await waitFor(async () => {
    const rows = await machinesForRun(db.pool, runId);
    return rows.length > 0 ? rows : null;
  }, { what: 'the first machine created and recorded' });
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  expect(fly.machines.get(orphan!.machineId)!.state).toBe('started');

  survivor = await startDispatchWorker(db, env);
  const destroyed = await waitFor(async () => {
    const rows = await machinesForRun(db.pool, runId);
    return rows.find((r) => r.machineId === orphan!.machineId && r.destroyedAt) ?? null;
  }, { what: 'the orphan swept' });
  expect(destroyed.endKind).toBe('swept');
  expect(destroyed.states.at(-1)!.note).toMatch(/^swept: run \d+ (is on attempt 2|'s lease has lapsed|is queued)/);
  expect(fly.machines.get(orphan!.machineId)!.state).toBe('destroyed');

  const run = await waitFor(async () => {
    const r = await getRun(db.pool, runId);
    return r && r.status !== 'queued' && r.status !== 'running' ? r : null;
  }, { what: 'the run to end' });
  expect(run.status).toBe('succeeded');
  expect(run.attempts).toBe(2);
  await waitFor(async () => allDestroyed(fly), { what: 'every machine destroyed' });
}, 180_000);
