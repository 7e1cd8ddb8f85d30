/**
 * A worker process SIGKILLed in the middle of a benchmark run: the run is requeued and resumed by another worker,
 * every (item, sample) ends with exactly one row, and no item recorded before the kill is asked for again.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { openaiCompat, startFakeOpenAiCompatible, type FakeOpenAiCompatible } from '../../fakes/openai-compatible.js';
import { killAll, spawnWorker, waitFor, type WorkerProcess } from '../runs/helpers.js';
import { benchApp, createViaApi, fakeEnv, finished, isProbe, itemOf } from './helpers.js';

const db = useTestDatabase();
let fake: FakeOpenAiCompatible;
let app: FastifyInstance;
let admin: SignedIn;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  fake = await startFakeOpenAiCompatible();
  app = await benchApp(db, fakeEnv(fake.url));
  admin = await signIn(app, db, { admin: true });
});
afterAll(async () => {
  await killAll(workers);
  await app?.close();
  await fake?.close();
});

it('resumes after SIGKILL with one row per (item, sample) and no repeated request for a done item', async () => {
  // Slow answers keep the run in flight long enough to be killed part-way.
  fake.always(openaiCompat.completion({ content: (body) => (isProbe(body) ? 'ready' : `Answer: ${itemOf(body).answer}`), delayMs: 250 }));
  const created = await createViaApi(app, admin, { models: ['openai-compatible/model-a'], kinds: ['numeric'], seed: 'crash', samples: 3, concurrency: 2, budgetTokens: 1_000_000 });
  expect(created.status).toBe(201);
  const [run] = created.body.runs;
  fake.reset();
  fake.always(openaiCompat.completion({ content: (body) => `Answer: ${itemOf(body).answer}`, delayMs: 250 }));
  // A short lease, so the killed worker's run is rescued soon; the other bench tests keep a lease load cannot lapse.
  const env = { ...fakeEnv(fake.url), GRADER_POOL_SIZE: '1', WORKER_LEASE_MS: '3000' };

  const first = spawnWorker(db.url, env);
  workers.push(first);
  await first.ready(db.pool);
  const doneBefore = await waitFor(
    async () => {
      const { rows } = await db.pool.query(`SELECT item_id || '#' || sample AS k FROM bench_items WHERE bench_run_id = $1`, [run.id]);
      return rows.length >= 4 ? rows.map((r) => r.k as string) : undefined;
    },
    { what: 'four items recorded' },
  );
  first.child.kill('SIGKILL');
  await first.exited;
  const { rows: atKill } = await db.pool.query(`SELECT item_id || '#' || sample AS k FROM bench_items WHERE bench_run_id = $1`, [run.id]);
  const requestsAtKill = fake.requests.length;
  expect(atKill.length).toBeLessThan(21);

  const second = spawnWorker(db.url, env);
  workers.push(second);
  const s = await finished(app, db, admin, run.id, run.runId, 90_000);
  expect(s.status).toBe('succeeded');
  expect(s.counts.correct).toBe(21);
  const { rows } = await db.pool.query('SELECT count(*)::int AS n, count(DISTINCT (item_id, sample))::int AS d, max(run_attempt) AS last FROM bench_items WHERE bench_run_id = $1', [run.id]);
  expect(rows[0]).toMatchObject({ n: 21, d: 21, last: 2 });
  // Requests after the restart: none for an (item, sample) already recorded when the first worker died. Samples of
  // one item share a prompt, so count per item: after the kill an item is asked for at most (its samples not yet
  // recorded) times.
  const recorded = new Map<string, number>();
  for (const k of atKill.map((r) => r.k as string)) recorded.set(k.split('#')[0]!, (recorded.get(k.split('#')[0]!) ?? 0) + 1);
  const after = new Map<string, number>();
  for (const r of fake.requests.slice(requestsAtKill)) after.set(itemOf(r.body).id, (after.get(itemOf(r.body).id) ?? 0) + 1);
  for (const [id, n] of after) expect(n, id).toBeLessThanOrEqual(3 - (recorded.get(id) ?? 0));
  expect(doneBefore.length).toBeGreaterThanOrEqual(4);
}, 180_000);
