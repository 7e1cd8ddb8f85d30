/**
 * The one INSERT statement behind enqueueRuns (enqueue.ts): any number of runs, exactly one pg_notify, so a bulk
 * enqueue wakes the workers once rather than once per row.
 */
import type { Queryable } from '../db/pool.js';
import { RUNS_CHANNEL } from './types.js';

export interface EnqueueInput {
  kind: string;
  ownerId: string | null;
  payload: unknown;
  /** Lower runs first; 0 is normal. */
  priority?: number;
  runAt?: Date;
  maxAttempts?: number;
  /** While a run with this key is queued or running, enqueueing the same key returns that run (deduped: true). */
  dedupeKey?: string;
}

export interface EnqueueResult {
  id: string;
  deduped: boolean;
}

/**
 * Ids are drawn from the sequence inside the statement so each input row can be matched to its inserted row (or,
 * on a dedupe conflict, to the live run holding the key). The LATERAL lookup sees only runs committed before the
 * statement began; a key taken by a transaction that committed in between comes back as id NULL, and is retried.
 */
const ENQUEUE_SQL = `
WITH input AS (
  SELECT nextval(pg_get_serial_sequence('runs', 'id')) AS id, t.*
  FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::int[], $5::timestamptz[], $6::int[], $7::text[])
    WITH ORDINALITY AS t (kind, owner_id, payload, priority, run_at, max_attempts, dedupe_key, ord)
),
ins AS (
  INSERT INTO runs (id, kind, owner_id, payload, priority, run_at, max_attempts, dedupe_key)
  SELECT id, kind, owner_id, payload, priority, coalesce(run_at, now()), max_attempts, dedupe_key FROM input ORDER BY ord
  ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING
  RETURNING id
),
events AS (
  INSERT INTO run_events (run_id, type, message) SELECT id, 'queued', 'Queued' FROM ins
),
notified AS (
  SELECT count(*) AS n FROM (SELECT pg_notify('${RUNS_CHANNEL}', '') FROM (SELECT 1 FROM ins LIMIT 1) one) x
)
SELECT input.ord, coalesce(ins.id, live.id)::text AS id, ins.id IS NULL AS deduped
FROM input
CROSS JOIN notified
LEFT JOIN ins ON ins.id = input.id
LEFT JOIN LATERAL (
  SELECT r.id FROM runs r
  WHERE ins.id IS NULL AND r.dedupe_key = input.dedupe_key AND r.status IN ('queued', 'running')
) live ON true
ORDER BY input.ord`;

export async function insertBatch(db: Queryable, inputs: EnqueueInput[]): Promise<(EnqueueResult | null)[]> {
  const { rows } = await db.query<{ id: string | null; deduped: boolean }>({
    // Only the one-run statement is named (parsed and planned once per connection). A bulk enqueue stays unnamed:
    // a cached generic plan assumes unnest() yields ten rows and would nested-loop the final joins of 20,000 rows.
    name: inputs.length === 1 ? 'runs_enqueue_one' : undefined,
    text: ENQUEUE_SQL,
    values: [
      inputs.map((i) => i.kind),
      inputs.map((i) => i.ownerId),
      inputs.map((i) => JSON.stringify(i.payload ?? {})),
      inputs.map((i) => i.priority ?? 0),
      inputs.map((i) => i.runAt ?? null),
      inputs.map((i) => i.maxAttempts ?? 3),
      inputs.map((i) => i.dedupeKey ?? null),
    ],
  });
  return rows.map((r) => (r.id === null ? null : { id: r.id, deduped: r.deduped }));
}
