/**
 * Enqueueing runs: validation, then one INSERT statement (enqueue-queries.ts) for any number of runs, carrying
 * exactly one pg_notify. Dedupe keys collapse onto the live (queued or running) run.
 */
import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import { insertBatch, type EnqueueInput, type EnqueueResult } from './enqueue-queries.js';
import { KIND_PATTERN } from './types.js';

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
