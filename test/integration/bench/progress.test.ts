/**
 * /progress beside the models: per topic, the user's solve rate next to each model's share of graded answers
 * correct in its latest succeeded benchmark run on the bank, from a seeded database. Older runs of a model, runs
 * that did not succeed, the offline baseline, `error` and `estimated` rows are all left out.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertBenchRun } from '../../../src/bench/queries.js';
import { syncBank } from '../../../src/practice/bank-sync.js';
import { loadBank } from '../../../src/practice/bank.js';
import { insertAttempt } from '../../../src/practice/queries.js';
import { enqueueRun } from '../../../src/runs/enqueue.js';
import { signIn, type SignedIn } from '../../helpers/auth.js';
import { useTestDatabase } from '../../helpers/db.js';
import { benchApp, dataset } from './helpers.js';

const db = useTestDatabase();
let app: FastifyInstance;
let user: SignedIn;
const bank = loadBank();
const topicA = dataset.items.find((i) => i.kind === 'numeric')!.topic;
const topicB = dataset.items.find((i) => i.topic !== topicA)!.topic;

beforeAll(async () => {
  app = await benchApp(db, {});
  user = await signIn(app, db);
  await syncBank(db.pool, bank);
});
afterAll(async () => {
  await app?.close();
});

/** A benchmark run of `spec` that ended `status` at `finishedAt`, with one row per [topic, verdict]. */
async function seedRun(spec: string, status: string, finishedAt: string, rows: [string, string][]): Promise<void> {
  const [provider, model] = spec.split('/') as [string, string];
  const { id: runId } = await enqueueRun(db.pool, { kind: 'bench-run', ownerId: null, payload: {} });
  await db.pool.query(`UPDATE runs SET status = $2, finished_at = $3 WHERE id = $1`, [runId, status, finishedAt]);
  const params = { filters: {}, subset: {}, temperature: 0, maxOutputTokens: 64, concurrency: 1 };
  const id = await insertBenchRun(db.pool, {
    runId, ownerId: null, groupId: crypto.randomUUID(), provider, model, dataset: 'bank', datasetHash: dataset.hash, seed: 's', params,
    items: [], samples: 1, budgetUsd: null, budgetTokens: null, estimateUsd: null, estimateTokens: 0, provenance: {},
  });
  for (const [n, [topic, verdict]] of rows.entries()) {
    await db.pool.query(
      `INSERT INTO bench_items (bench_run_id, item_id, sample, item_hash, kind, topic, prompt_id, prompt_version, prompt, verdict, run_attempt)
       VALUES ($1, $2, 0, 'h', 'numeric', $3, 'p', 'v', '', $4, 1)`,
      [id, `item-${n}`, topic, verdict],
    );
  }
}

const page = async () => (await app.inject({ url: '/progress', headers: { cookie: user.cookie } })).body;
const cell = (html: string, topic: string) => new RegExp(`data-topic-rates="${topic}">[\\s\\S]*?</tr>`).exec(html)![0];

it('shows a clear empty state while no model has a finished run on the bank', async () => {
  await seedRun('openai-compatible/model-a', 'running', '2026-12-06T00:00:00Z', [[topicA, 'correct']]);
  await seedRun('offline/offline', 'succeeded', '2026-12-06T00:00:00Z', [[topicA, 'correct']]);
  const html = await page();
  expect(html).toContain('data-models-empty');
  expect(html).toContain('No model has a finished benchmark run on the problem bank yet');
  expect(html).not.toContain('offline/offline');
});

it("puts the user's solve rate per topic beside the latest run of each model", async () => {
  const solvedProblem = bank.problems.find((p) => p.topic === topicA)!;
  await insertAttempt(db.pool, {
    userId: user.user.id, slug: solvedProblem.slug, versionHash: solvedProblem.hash, kind: solvedProblem.kind, submission: '1', status: 'passed',
    hintsUsed: 0, aiHintsUsed: 0, graded: true,
  });
  // model-a: an older run (ignored), then the latest: topic A 2 of 3 graded (the error row is left out), topic B 1 of 4.
  await seedRun('openai-compatible/model-a', 'succeeded', '2026-12-01T00:00:00Z', [[topicA, 'incorrect'], [topicB, 'incorrect']]);
  await seedRun('openai-compatible/model-a', 'succeeded', '2026-12-05T00:00:00Z', [
    [topicA, 'correct'], [topicA, 'correct'], [topicA, 'no_answer'], [topicA, 'error'],
    [topicB, 'correct'], [topicB, 'incorrect'], [topicB, 'truncated'], [topicB, 'incorrect'],
  ]);
  // model-b: topic A only estimated (no judged answer: not sampled), topic B 1 of 1.
  await seedRun('openai-compatible/model-b', 'succeeded', '2026-12-04T00:00:00Z', [[topicA, 'estimated'], [topicB, 'correct']]);
  // A failed run is not a finished benchmark of that model.
  await seedRun('anthropic/claude-sonnet-5-5', 'failed', '2026-12-06T00:00:00Z', [[topicA, 'correct']]);

  const html = await page();
  expect(html).not.toContain('data-models-empty');
  const header = /<thead>[\s\S]*?<\/thead>/.exec(html.slice(html.indexOf('data-models')))![0];
  // Latest-finished first; the failed run's model and the offline baseline are not there.
  expect([...header.matchAll(/data-model="([^"]+)"/g)].map((m) => m[1])).toEqual(['openai-compatible/model-a', 'openai-compatible/model-b']);
  expect(header).toContain('2026-12-05');
  const totalA = bank.problems.filter((p) => p.topic === topicA).length;
  const a = cell(html, topicA);
  expect(a).toContain(`${Math.round((1 / totalA) * 100)}% <span class="muted small">(1 of ${totalA})</span>`);
  expect(a).toContain('67% <span class="muted small">(2 of 3)</span>');
  expect(a).toContain('not sampled');
  const b = cell(html, topicB);
  expect(b).toContain('25% <span class="muted small">(1 of 4)</span>');
  expect(b).toContain('100% <span class="muted small">(1 of 1)</span>');
});
