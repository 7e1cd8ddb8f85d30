/** Read-only queries behind the health checks and the ops page. */
import type { Queryable } from '../db/pool.js';

export async function appliedMigrationNames(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM schema_migrations');
  return rows.map((r) => r.name);
}

/**
 * Queued runs and how long the oldest due one has waited. Reads the partial claim index (queued runs only), so it
 * stays cheap however many finished runs the table holds.
 */
export async function queueAge(db: Queryable): Promise<{ queued: number; due: number; oldestDueAgeS: number | null }> {
  const { rows } = await db.query<{ queued: number; due: number; oldest: number | null }>(
    `SELECT count(*)::int AS queued,
            (count(*) FILTER (WHERE run_at <= now()))::int AS due,
            extract(epoch FROM now() - min(run_at) FILTER (WHERE run_at <= now()))::float8 AS oldest
     FROM runs WHERE status = 'queued'`,
  );
  const r = rows[0]!;
  return { queued: r.queued, due: r.due, oldestDueAgeS: r.oldest };
}

/** Runs created in the last 24 hours, by the status they have now. */
export async function runsByStatusLastDay(db: Queryable): Promise<{ status: string; n: number }[]> {
  const { rows } = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM runs WHERE created_at > now() - interval '24 hours' GROUP BY status ORDER BY n DESC, status`,
  );
  return rows;
}

export interface FailedRun {
  id: string;
  kind: string;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
  finishedAt: Date | null;
}

/** The latest failed runs of the last 7 days with their errors. */
export async function recentFailedRuns(db: Queryable, limit = 10): Promise<FailedRun[]> {
  const { rows } = await db.query(
    `SELECT id::text, kind, error_code, error_message, attempts, finished_at FROM runs
     WHERE status = 'failed' AND finished_at > now() - interval '7 days'
     ORDER BY finished_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ id: r.id, kind: r.kind, errorCode: r.error_code, errorMessage: r.error_message, attempts: r.attempts, finishedAt: r.finished_at }));
}

export interface LlmSpendRow {
  key: string;
  tokensToday: number;
  costToday: number | null;
  tokens7d: number;
  cost7d: number | null;
  /** Calls that used tokens but have no price: the cost above leaves them out. */
  unpricedToday: number;
  unpriced7d: number;
}

/**
 * LLM tokens and cost today (UTC, as the daily cap counts) and over the last 7 days, grouped by feature or by
 * user. Calls without a price are counted apart, so a partial sum is never shown as the whole cost.
 */
export async function llmSpend(db: Queryable, by: 'feature' | 'user'): Promise<LlmSpendRow[]> {
  const key = by === 'feature' ? 'c.feature' : "coalesce(u.email, u.display_name, c.user_id::text, '(no user)')";
  const { rows } = await db.query(
    `SELECT ${key} AS key,
            coalesce(sum(c.input_tokens + c.output_tokens) FILTER (WHERE c.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'), 0)::bigint AS tokens_today,
            sum(c.cost_usd) FILTER (WHERE c.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')::float8 AS cost_today,
            sum(c.input_tokens + c.output_tokens)::bigint AS tokens_7d,
            sum(c.cost_usd)::float8 AS cost_7d,
            (count(*) FILTER (WHERE c.cost_usd IS NULL AND c.input_tokens + c.output_tokens > 0
                                AND c.created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'))::int AS unpriced_today,
            (count(*) FILTER (WHERE c.cost_usd IS NULL AND c.input_tokens + c.output_tokens > 0))::int AS unpriced_7d
     FROM llm_calls c LEFT JOIN users u ON u.id = c.user_id
     WHERE c.created_at > now() - interval '7 days'
     GROUP BY 1 ORDER BY tokens_7d DESC, 1 LIMIT 20`,
  );
  return rows.map((r) => ({ key: r.key, tokensToday: Number(r.tokens_today), costToday: r.cost_today, tokens7d: Number(r.tokens_7d), cost7d: r.cost_7d,
    unpricedToday: r.unpriced_today, unpriced7d: r.unpriced_7d }));
}

export interface PendingRequest {
  id: string;
  name: string;
  email: string;
  timesRequested: number;
  createdAt: Date;
}

export async function pendingAccessRequests(db: Queryable, limit = 10): Promise<{ total: number; oldest: PendingRequest[] }> {
  const { rows } = await db.query(
    `SELECT id::text, name, email, times_requested, created_at, count(*) OVER ()::int AS total
     FROM access_requests WHERE status = 'pending' ORDER BY created_at LIMIT $1`,
    [limit],
  );
  return {
    total: rows[0]?.total ?? 0,
    oldest: rows.map((r) => ({ id: r.id, name: r.name, email: r.email, timesRequested: r.times_requested, createdAt: r.created_at })),
  };
}
