/**
 * The ops page's facts, gathered in one pass, plus the few verdicts that make it readable at a glance: is the
 * database there with this build's schema, is any worker alive, is the queue moving, is anything failing.
 */
import type pg from 'pg';
import type { Config } from '../config.js';
import { workersPage } from '../runs/service.js';
import { liveMachinesView } from '../dispatch/view.js';
import type { DatabaseHealth } from './health.js';
import { llmSpend, pendingAccessRequests, type LlmSpendRow, queueAge, recentFailedRuns, runsByStatusLastDay } from './queries.js';

/** A due run waiting longer than this means the workers are not keeping up (or not there). */
export const QUEUE_WAIT_WARN_S = 300;

export type Verdict = 'ok' | 'warn' | 'down';

export async function opsPage(db: pg.Pool, config: Readonly<Config>, checkDatabase: () => Promise<DatabaseHealth>) {
  const database = await checkDatabase();
  if (!database.ok) {
    // Nothing below could be read: say so plainly rather than fail the page an operator opens during an outage.
    return { version: config.version, database, signals: [{ name: 'Database', verdict: 'down' as Verdict, detail: database.problem }] };
  }
  const [workers, queue, last24h, failed, byFeature, byUser, access, machines] = await Promise.all([
    workersPage(db, config.worker.leaseMs),
    queueAge(db),
    runsByStatusLastDay(db),
    recentFailedRuns(db),
    llmSpend(db, 'feature'),
    llmSpend(db, 'user'),
    pendingAccessRequests(db),
    liveMachinesView(db),
  ]);
  const live = workers.workers.filter((w) => !w.stale && !w.stopping);
  const failed24h = last24h.find((r) => r.status === 'failed')?.n ?? 0;
  const signals: { name: string; verdict: Verdict; detail: string }[] = [
    { name: 'Database', verdict: 'ok', detail: 'reachable, every migration applied' },
    live.length > 0
      ? { name: 'Workers', verdict: 'ok', detail: `${live.length} checking in` }
      : { name: 'Workers', verdict: 'down', detail: 'none checking in: queued runs wait' },
    queue.oldestDueAgeS !== null && queue.oldestDueAgeS > QUEUE_WAIT_WARN_S
      ? { name: 'Queue', verdict: 'warn', detail: `oldest due run has waited ${formatAge(queue.oldestDueAgeS)}` }
      : { name: 'Queue', verdict: 'ok', detail: `${queue.due} due, ${queue.queued} queued` },
    failed24h > 0
      ? { name: 'Failures', verdict: 'warn', detail: `${failed24h} run(s) failed in the last 24 h` }
      : { name: 'Failures', verdict: 'ok', detail: 'no failed runs in the last 24 h' },
  ];
  return {
    version: config.version,
    database,
    signals,
    queue: { ...queue, oldestDueAge: queue.oldestDueAgeS === null ? null : formatAge(queue.oldestDueAgeS) },
    last24h,
    workers: workers.workers,
    failed,
    llm: { byFeature: byFeature.map(withCostText), byUser: byUser.map(withCostText) },
    access,
    // Shown when remote dispatch is on, or when machines are still recorded live (it was on, or a leak).
    remote: config.remote || machines.length > 0 ? { enabled: config.remote !== null, machines: machines.map((m) => ({ ...m, age: formatAge(m.ageS) })) } : null,
  };
}

/** Unpriced calls are never shown as $0: "unknown" alone, or "$x + N unpriced" beside a partial sum. */
function usd(cost: number | null, tokens: number, unpriced: number): string {
  if (tokens === 0) return '—';
  if (cost === null) return 'unknown';
  return unpriced > 0 ? `$${cost.toFixed(4)} + ${unpriced} unpriced` : `$${cost.toFixed(4)}`;
}
const withCostText = (r: LlmSpendRow) => ({
  ...r,
  costTodayText: usd(r.costToday, r.tokensToday, r.unpricedToday),
  cost7dText: usd(r.cost7d, r.tokens7d, r.unpriced7d),
});

export function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
