/**
 * Hamming reflections: writing, editing and deleting journal entries, and answering them. Every save queues one
 * reflection-answer run in the same transaction; the worker answers through the LLM layer (answerReflection), so a
 * slow model never holds a page open, the answer appears in place when it is ready, and a crashed worker's run is
 * requeued. No Fastify here.
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/pool.js';
import { AppError } from '../errors.js';
import type { Llm } from '../llm/index.js';
import { parseJsonAnswer } from '../llm/json-answer.js';
import { hammingReflectionPrompt } from '../llm/prompts/hamming-reflection.js';
import { enqueueRun } from '../runs/enqueue.js';
import { offlineAnswer, PROMPT_KEYS, promptText } from './prompts.js';
import * as q from './queries.js';

export const REFLECTION_ANSWER_KIND = 'reflection-answer';

export const entrySchema = z.object({
  promptKey: z.enum(PROMPT_KEYS, { message: 'Choose a prompt.' }),
  body: z
    .string({ message: 'Write your reflection.' })
    .transform((v) => v.replace(/\r\n/g, '\n').trim())
    .pipe(z.string().min(1, 'Write your reflection.').max(8000, 'Keep it under 8,000 characters.')),
});

export type EntryInput = z.infer<typeof entrySchema>;

const queueAnswer = (tx: Queryable, userId: string, id: string, revision: number) =>
  enqueueRun(tx, { kind: REFLECTION_ANSWER_KIND, ownerId: userId, payload: { reflectionId: id, revision }, maxAttempts: 3 });

export async function createReflection(pool: pg.Pool, userId: string, input: EntryInput): Promise<string> {
  return withTransaction(pool, async (tx) => {
    const id = await q.insertReflection(tx, { userId, ...input });
    await queueAnswer(tx, userId, id, 1);
    return id;
  });
}

/** An edit is a new text, so it gets a new answer; the old one is no longer shown as this text's. */
export async function updateReflection(pool: pg.Pool, userId: string, id: string, input: EntryInput): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const revision = await q.updateOwnReflection(tx, { userId, id, ...input });
    if (revision === null) throw new AppError('not_found', 'No such reflection.');
    await queueAnswer(tx, userId, id, revision);
  });
}

export async function deleteReflection(db: Queryable, userId: string, id: string): Promise<void> {
  if (!(await q.deleteOwnReflection(db, userId, id))) throw new AppError('not_found', 'No such reflection.');
}

/** What the model must return; anything else is treated as unreadable. */
const modelAnswerSchema = z.object({
  followUp: z.string().trim().min(5).max(500).endsWith('?'),
  observation: z.string().trim().min(5).max(800),
});

/** The model's JSON, checked against the schema; undefined when it cannot be read. */
export const parseModelAnswer = (text: string) => parseJsonAnswer(text, modelAnswerSchema);

export const UNREADABLE_NOTICE = 'The model’s answer could not be read, so these are offline prompts for reflection.';

export type AnswerOutcome = 'answered' | 'stale' | 'missing';

/**
 * Answers one revision of an entry and stores it. The offline answer stands in, with its notice, when no model
 * answers or its JSON does not pass the schema. 'stale': the entry was edited meanwhile (its own run answers it).
 */
export async function answerReflection(
  deps: { db: Queryable; llm: Pick<Llm, 'complete'>; signal?: AbortSignal },
  id: string,
  revision: number,
): Promise<AnswerOutcome> {
  const entry = await q.getReflection(deps.db, id);
  if (!entry) return 'missing';
  if (entry.revision !== revision) return 'stale';
  const offline = offlineAnswer(entry.id, entry.body);
  const res = await deps.llm.complete({
    userId: entry.userId,
    feature: 'hamming_reflection',
    prompt: hammingReflectionPrompt.build({ prompt: promptText(entry.promptKey), entry: entry.body }),
    maxOutputTokens: 400,
    signal: deps.signal,
    offline: () => ({ text: JSON.stringify(offline) }),
  });
  const fromModel = res.source === 'llm' ? parseModelAnswer(res.text) : undefined;
  const answer = fromModel
    ? { ...fromModel, source: 'llm' as const, notice: null }
    : { ...offline, source: 'offline' as const, notice: res.source === 'llm' ? UNREADABLE_NOTICE : (res.notice ?? null) };
  return (await q.recordAnswer(deps.db, { id, revision, ...answer })) ? 'answered' : 'stale';
}
