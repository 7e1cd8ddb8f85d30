/**
 * The per-user daily token cap. A call reserves its worst case before it starts, settles to the real count when it
 * ends, or releases the reservation when it fails. Days are UTC dates computed by Postgres, so every process agrees
 * on when a day ends, and a call is settled against the day it reserved on even if it finishes after midnight.
 */
import type { Queryable } from '../db/pool.js';
import { numberOrNull } from '../db/values.js';

export interface Reservation {
  userId: string;
  /** YYYY-MM-DD (UTC). */
  day: string;
  tokens: number;
}

/**
 * Reserves `tokens` for the user today if used + reserved + tokens fits under the cap; null when it does not.
 *
 * One statement, on purpose: INSERT ... ON CONFLICT DO UPDATE locks the user's row for today and evaluates the
 * DO UPDATE's WHERE against the latest committed version of it, so concurrent reservations queue on the row lock
 * and each one sees every reservation committed before it. A SELECT-then-UPDATE would let a hundred concurrent
 * calls all read the same "room left" and all pass. When today's row does not exist yet, the INSERT path inserts
 * only if the reservation alone fits (the SELECT ... WHERE), and a concurrent inserter of the same row falls into
 * the DO UPDATE path instead. The cap is the operator's per-user override or the configured default, and is kept on
 * the row (cap_tokens) so the check can read it through EXCLUDED.
 */
export async function reserveTokens(db: Queryable, userId: string, tokens: number, defaultCap: number): Promise<Reservation | null> {
  const { rows } = await db.query<{ day: string }>({
    // Named, so each connection parses and plans it once: a benchmark run reserves and settles all day long.
    name: 'llm_reserve_tokens',
    text: `INSERT INTO llm_daily_usage AS u (user_id, day, reserved_tokens, cap_tokens)
     SELECT $1, (now() AT TIME ZONE 'UTC')::date, $2, c.cap
       FROM (SELECT COALESCE((SELECT daily_token_cap FROM llm_user_caps WHERE user_id = $1), $3::bigint) AS cap) c
      WHERE $2 <= c.cap
     ON CONFLICT (user_id, day) DO UPDATE
        SET reserved_tokens = u.reserved_tokens + EXCLUDED.reserved_tokens,
            cap_tokens = EXCLUDED.cap_tokens,
            updated_at = now()
      WHERE u.used_tokens + u.reserved_tokens + EXCLUDED.reserved_tokens <= EXCLUDED.cap_tokens
     RETURNING to_char(u.day, 'YYYY-MM-DD') AS day`,
    values: [userId, tokens, defaultCap],
  });
  const row = rows[0];
  return row ? { userId, day: row.day, tokens } : null;
}

/**
 * Turns a reservation into real usage. GREATEST keeps reserved_tokens from going negative when an admin reset the
 * day while this call was in flight (the reset forgets reservations; this call still adds its real usage).
 */
export async function settleReservation(db: Queryable, r: Reservation, usedTokens: number, calls = 1): Promise<void> {
  await db.query({
    name: 'llm_settle_reservation',
    text: `UPDATE llm_daily_usage
        SET used_tokens = used_tokens + $4, reserved_tokens = GREATEST(reserved_tokens - $3, 0), calls = calls + $5,
            updated_at = now()
      WHERE user_id = $1 AND day = $2::date`,
    values: [r.userId, r.day, r.tokens, usedTokens, calls],
  });
}

/** Gives a failed call's reservation back. */
export async function releaseReservation(db: Queryable, r: Reservation): Promise<void> {
  await db.query(
    `UPDATE llm_daily_usage SET reserved_tokens = GREATEST(reserved_tokens - $3, 0), updated_at = now()
      WHERE user_id = $1 AND day = $2::date`,
    [r.userId, r.day, r.tokens],
  );
}

export interface DailyUsage {
  day: string;
  usedTokens: number;
  reservedTokens: number;
  /** The cap in force now: the per-user override or the default. */
  capTokens: number;
  customCap: boolean;
  calls: number;
}

/** Today's usage for one user (zeros when they have not called anything today). */
export async function usageToday(db: Queryable, userId: string, defaultCap: number): Promise<DailyUsage> {
  const { rows } = await db.query<{ day: string; used: string; reserved: string; cap: string; custom: boolean; calls: number }>(
    `SELECT to_char(d.day, 'YYYY-MM-DD') AS day, COALESCE(u.used_tokens, 0) AS used,
            COALESCE(u.reserved_tokens, 0) AS reserved, COALESCE(c.daily_token_cap, $2::bigint) AS cap,
            c.user_id IS NOT NULL AS custom, COALESCE(u.calls, 0) AS calls
       FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS day) d
       LEFT JOIN llm_daily_usage u ON u.user_id = $1 AND u.day = d.day
       LEFT JOIN llm_user_caps c ON c.user_id = $1`,
    [userId, defaultCap],
  );
  return dailyUsageOf(rows[0]!);
}

/** bigint columns arrive as strings from pg: one place turns a row into numbers. */
function dailyUsageOf(r: { day: string; used: string; reserved: string; cap: string; custom: boolean; calls: number }): DailyUsage {
  return {
    day: r.day,
    usedTokens: Number(r.used),
    reservedTokens: Number(r.reserved),
    capTokens: Number(r.cap),
    customCap: r.custom,
    calls: r.calls,
  };
}

export interface UserUsageRow extends DailyUsage {
  userId: string;
  email: string | null;
  displayName: string | null;
  costUsdToday: number | null;
}

/** Every user (or the one given) with today's usage, cap and spend, heaviest first (the admin page). */
export async function listUsageToday(db: Queryable, defaultCap: number, opts: { userId?: string; limit?: number } = {}): Promise<UserUsageRow[]> {
  const { rows } = await db.query(
    `WITH today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS day)
     SELECT us.id AS user_id, us.email, us.display_name, to_char(t.day, 'YYYY-MM-DD') AS day,
            COALESCE(u.used_tokens, 0) AS used, COALESCE(u.reserved_tokens, 0) AS reserved,
            COALESCE(c.daily_token_cap, $1::bigint) AS cap, c.user_id IS NOT NULL AS custom,
            COALESCE(u.calls, 0) AS calls,
            (SELECT SUM(cost_usd) FROM llm_calls lc
              WHERE lc.user_id = us.id AND lc.created_at >= (t.day::timestamp AT TIME ZONE 'UTC')) AS cost
       FROM users us CROSS JOIN today t
       LEFT JOIN llm_daily_usage u ON u.user_id = us.id AND u.day = t.day
       LEFT JOIN llm_user_caps c ON c.user_id = us.id
      WHERE $3::uuid IS NULL OR us.id = $3::uuid
      ORDER BY COALESCE(u.used_tokens, 0) DESC, us.email NULLS LAST, us.id
      LIMIT $2`,
    [defaultCap, opts.limit ?? 500, opts.userId ?? null],
  );
  return rows.map((r) => ({
    ...dailyUsageOf(r),
    userId: r.user_id,
    email: r.email,
    displayName: r.display_name,
    costUsdToday: numberOrNull(r.cost),
  }));
}

/**
 * Gives the user a fresh day. Reservations are forgotten too, so a reservation leaked by a crashed process cannot
 * keep blocking them; calls in flight still add their real usage when they finish (see settleReservation).
 */
export async function resetUsageToday(db: Queryable, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE llm_daily_usage SET used_tokens = 0, reserved_tokens = 0, calls = 0, updated_at = now()
      WHERE user_id = $1 AND day = (now() AT TIME ZONE 'UTC')::date`,
    [userId],
  );
  return (rowCount ?? 0) > 0;
}

/** Sets the user's own cap, or (null) returns them to the configured default. */
export async function setUserCap(db: Queryable, userId: string, cap: number | null, setBy: string | null): Promise<void> {
  if (cap === null) {
    await db.query('DELETE FROM llm_user_caps WHERE user_id = $1', [userId]);
    return;
  }
  await db.query(
    `INSERT INTO llm_user_caps (user_id, daily_token_cap, set_by) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET daily_token_cap = EXCLUDED.daily_token_cap, set_by = EXCLUDED.set_by, updated_at = now()`,
    [userId, cap, setBy],
  );
}
