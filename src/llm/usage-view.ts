/**
 * Today's usage as the pages show it: numbers formatted once here, so the account page and the admin page agree.
 */
import type { DailyUsage } from './budget-queries.js';

export interface UsageView {
  used: string;
  reserved: string;
  cap: string;
  remaining: string;
  /** 0-100, for the meter. */
  percent: number;
  usedTokens: number;
  capTokens: number;
  customCap: boolean;
  exhausted: boolean;
  calls: number;
  /** "5 h 12 min": until 00:00 UTC, when the day (and the budget) starts over. */
  resetsIn: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

export function usageView(u: DailyUsage, now = new Date()): UsageView {
  const taken = u.usedTokens + u.reservedTokens;
  const remaining = Math.max(0, u.capTokens - taken);
  return {
    used: fmt(u.usedTokens),
    reserved: fmt(u.reservedTokens),
    cap: fmt(u.capTokens),
    remaining: fmt(remaining),
    percent: u.capTokens === 0 ? 100 : Math.min(100, Math.round((taken / u.capTokens) * 100)),
    usedTokens: u.usedTokens,
    capTokens: u.capTokens,
    customCap: u.customCap,
    exhausted: remaining === 0,
    calls: u.calls,
    resetsIn: untilUtcMidnight(now),
  };
}

export function untilUtcMidnight(now: Date): string {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  const minutes = Math.ceil((midnight - now.getTime()) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
