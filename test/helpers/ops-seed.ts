/**
 * A database with something in every section of /admin/ops, for its integration test and its browser test.
 */
import type pg from 'pg';
import { upsertUser } from '../../src/auth/queries.js';
import { registerWorker, touchWorker } from '../../src/runs/worker-queries.js';

export const ADA = '11111111-1111-4111-8111-111111111111';

/** Queued, failed and succeeded runs, a worker with its grader pool, priced and unpriced LLM calls, a pending request. */
export async function seedOps(pool: pg.Pool): Promise<void> {
  await upsertUser(pool, { id: ADA, email: 'ada@example.com', displayName: 'Ada' });
  await pool.query(
    `INSERT INTO runs (kind, status, run_at, created_at) VALUES ('noop', 'queued', now() - interval '10 minutes', now() - interval '10 minutes'),
       ('noop', 'queued', now() + interval '1 hour', now())`,
  );
  await pool.query(
    `INSERT INTO runs (kind, status, attempts, error_code, error_message, created_at, started_at, finished_at)
     VALUES ('grade_attempt', 'failed', 3, 'sandbox_crash', 'grader child exited with signal 9', now() - interval '1 hour', now() - interval '1 hour', now() - interval '50 minutes'),
            ('noop', 'succeeded', 1, NULL, NULL, now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours')`,
  );
  await registerWorker(pool, { workerId: 'host-a:42:abc', host: 'host-a', pid: 42, version: 'abc1234', kinds: ['noop'], concurrency: 2, livenessKey: 7 });
  await touchWorker(pool, 'host-a:42:abc', 1, false, { size: 2, concurrency: 1, warm: 2, busy: 1, queued: 3 });
  await pool.query(
    `INSERT INTO llm_calls (invocation_id, user_id, feature, provider, model, prompt_id, prompt_version, source, outcome, input_tokens, output_tokens, cost_usd, latency_ms, created_at)
     VALUES (gen_random_uuid(), $1, 'practice_hint', 'anthropic', 'claude-haiku-4-5', 'p', '1', 'llm', 'ok', 1000, 200, 0.0125, 900, now()),
            (gen_random_uuid(), $1, 'practice_review', 'anthropic', 'claude-sonnet-4-5', 'p', '1', 'llm', 'ok', 3000, 1000, NULL, 900, now() - interval '3 days')`,
    [ADA],
  );
  await pool.query(`INSERT INTO access_requests (name, email, reason) VALUES ('Grace', 'grace@example.com', 'to practise')`);
}
