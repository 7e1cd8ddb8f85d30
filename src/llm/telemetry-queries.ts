/**
 * The llm_calls table: one row per invocation (written after every call; a failure to write never fails the call) and the latest
 * rows for the admin usage page.
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';
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

/**
 * Writes calls' rows, one statement for any number of them (the llm layer group-commits them: a benchmark run at
 * concurrency 50 would otherwise send one INSERT per call).
 */
export async function insertLlmCalls(db: Queryable, records: CallRecord[]): Promise<void> {
  const rows = records.map((r) => ({
    invocation_id: r.invocationId, user_id: r.userId, feature: r.feature, provider: r.provider, model: r.model, prompt_id: r.promptId,
    prompt_version: r.promptVersion, source: r.source, outcome: r.outcome, error_kind: r.errorKind, stop_reason: r.stopReason,
    input_tokens: r.usage.inputTokens, output_tokens: r.usage.outputTokens, cache_read_tokens: r.usage.cacheReadTokens,
    cache_write_tokens: r.usage.cacheWriteTokens, reserved_tokens: r.reservedTokens, cost_usd: r.costUsd,
    price_version: r.costUsd === null ? null : PRICE_TABLE.version, latency_ms: Math.round(r.latencyMs), attempts: r.attempts,
  }));
  await db.query({
    name: 'llm_insert_calls',
    text: `INSERT INTO llm_calls (invocation_id, user_id, feature, provider, model, prompt_id, prompt_version, source, outcome,
       error_kind, stop_reason, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reserved_tokens,
       cost_usd, price_version, latency_ms, attempts)
     SELECT invocation_id, user_id, feature, provider, model, prompt_id, prompt_version, source, outcome, error_kind, stop_reason,
       input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reserved_tokens, cost_usd, price_version, latency_ms, attempts
       FROM jsonb_to_recordset($1::jsonb) AS x(invocation_id uuid, user_id uuid, feature text, provider text, model text, prompt_id text,
         prompt_version text, source text, outcome text, error_kind text, stop_reason text, input_tokens int, output_tokens int,
         cache_read_tokens int, cache_write_tokens int, reserved_tokens int, cost_usd numeric, price_version text, latency_ms int,
         attempts int)`,
    values: [JSON.stringify(rows)],
  });
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
    costUsd: numberOrNull(r.cost_usd),
    latencyMs: r.latency_ms,
    attempts: r.attempts,
  }));
}
