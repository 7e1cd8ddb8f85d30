/**
 * The operator's changes to a user's LLM allowance (/admin/usage): the writes behind the page, so a route never
 * writes the budget tables itself. The daily budget's own reserve and settle are in budget-queries.ts, used by call.ts.
 */
import type { Queryable } from '../db/pool.js';
import { resetUsageToday, setUserCap } from './budget-queries.js';

/** Gives a user today's allowance back: used, reserved and call counts go to zero. */
export async function resetUserToday(db: Queryable, userId: string): Promise<void> {
  await resetUsageToday(db, userId);
}

/** Sets a user's daily token cap (null: back to the default), recording which operator set it. */
export async function setDailyCap(db: Queryable, userId: string, cap: number | null, setBy: string): Promise<void> {
  await setUserCap(db, userId, cap, setBy);
}
