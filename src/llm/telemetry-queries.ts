/**
 * The llm_calls table: one row per invocation (written after every call; a failure to write never fails the call) and the latest
 * rows for the admin usage page.
 */
import type { Queryable } from '../db/pool.js';
import type { LlmErrorKind } from './errors.js';
import { PRICE_TABLE } from './prices.js';
import type { TokenUsage } from './types.js';

export interface CallRecord {
  invocationId: string;
  userId: string | null;
  feature: string;
  provider: string;
  model: string | null;
  promptId: string;
  promptVersion: string;
  source: 'llm' | 'offline';
  outcome: 'ok' | 'fallback' | 'error';
  errorKind: LlmErrorKind | null;
  stopReason: string | null;
  usage: TokenUsage;
  reservedTokens: number;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
}

export async function insertLlmCall(db: Queryable, r: CallRecord): Promise<void> {
  await db.query(
    `INSERT INTO llm_calls (invocation_id, user_id, feature, provider, model, prompt_id, prompt_version, source, outcome,
       error_kind, stop_reason, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reserved_tokens,
       cost_usd, price_version, latency_ms, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
    [
      r.invocationId,
      r.userId,
      r.feature,
      r.provider,
      r.model,
      r.promptId,
      r.promptVersion,
      r.source,
      r.outcome,
      r.errorKind,
      r.stopReason,
      r.usage.inputTokens,
      r.usage.outputTokens,
      r.usage.cacheReadTokens,
      r.usage.cacheWriteTokens,
      r.reservedTokens,
      r.costUsd,
      r.costUsd === null ? null : PRICE_TABLE.version,
      Math.round(r.latencyMs),
      r.attempts,
    ],
  );
}

export interface RecentCall {
  invocationId: string;
  createdAt: Date;
  userId: string | null;
  email: string | null;
  feature: string;
  provider: string;
  model: string | null;
  promptId: string;
  promptVersion: string;
  source: string;
  outcome: string;
  errorKind: string | null;
  totalTokens: number;
  costUsd: number | null;
  latencyMs: number;
  attempts: number;
}

/** The latest calls, newest first, for the admin usage page. */
export async function listRecentCalls(db: Queryable, limit = 50): Promise<RecentCall[]> {
  const { rows } = await db.query(
    `SELECT c.invocation_id, c.created_at, c.user_id, u.email, c.feature, c.provider, c.model, c.prompt_id,
            c.prompt_version, c.source, c.outcome, c.error_kind,
            c.input_tokens + c.output_tokens + c.cache_read_tokens + c.cache_write_tokens AS total_tokens,
            c.cost_usd, c.latency_ms, c.attempts
       FROM llm_calls c LEFT JOIN users u ON u.id = c.user_id
      ORDER BY c.created_at DESC
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    invocationId: r.invocation_id,
    createdAt: r.created_at,
    userId: r.user_id,
    email: r.email,
    feature: r.feature,
    provider: r.provider,
    model: r.model,
    promptId: r.prompt_id,
    promptVersion: r.prompt_version,
    source: r.source,
    outcome: r.outcome,
    errorKind: r.error_kind,
    totalTokens: Number(r.total_tokens),
    costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
    latencyMs: r.latency_ms,
    attempts: r.attempts,
  }));
}
