/**
 * Enqueueing runs: one INSERT statement for any number of runs, carrying exactly one pg_notify, so a bulk enqueue
 * wakes the workers once rather than once per row. Dedupe keys collapse onto the live (queued or running) run.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import { KIND_PATTERN, RUNS_CHANNEL } from './types.js';

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

const inputSchema = z.object({
  kind: z.string().regex(KIND_PATTERN, 'kind must be lower-case letters, digits, - or _, starting with a letter'),
  ownerId: z.guid('ownerId must be a user id').nullable(),
  payload: z.unknown(),
  priority: z.number().int().min(-1000).max(1000).optional(),
  runAt: z.date().optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
  dedupeKey: z.string().min(1).max(200).optional(),
});

function validate(input: EnqueueInput): EnqueueInput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('bad_request', `Cannot enqueue run: ${issue.path.join('.')}: ${issue.message}`);
  }
  return input;
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

async function insertBatch(db: Queryable, inputs: EnqueueInput[]): Promise<(EnqueueResult | null)[]> {
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

/** Enqueues many runs in one statement with one notification. Results are in input order. */
export async function enqueueRuns(db: Queryable, inputs: EnqueueInput[]): Promise<EnqueueResult[]> {
  if (inputs.length === 0) return [];
  inputs.forEach(validate);
  // Two inputs with the same key in one batch: only the first is sent; the rest share its run.
  const firstByKey = new Map<string, number>();
  const sent: number[] = [];
  inputs.forEach((input, i) => {
    if (input.dedupeKey === undefined) sent.push(i);
    else if (!firstByKey.has(input.dedupeKey)) {
      firstByKey.set(input.dedupeKey, i);
      sent.push(i);
    }
  });
  const results: (EnqueueResult | null)[] = new Array(inputs.length).fill(null);
  let pending = sent;
  for (let round = 0; pending.length > 0; round++) {
    if (round === 5) throw new AppError('conflict', 'Could not enqueue: the dedupe key kept changing hands.');
    const got = await insertBatch(db, pending.map((i) => inputs[i]!));
    const retry: number[] = [];
    got.forEach((r, j) => (r ? (results[pending[j]!] = r) : retry.push(pending[j]!)));
    pending = retry;
  }
  return inputs.map((input, i) => {
    const own = results[i];
    if (own) return own;
    const first = results[firstByKey.get(input.dedupeKey!)!]!;
    return { id: first.id, deduped: true };
  });
}

export async function enqueueRun(db: Queryable, input: EnqueueInput): Promise<EnqueueResult> {
  const [result] = await enqueueRuns(db, [input]);
  return result!;
}
