/**
 * What the run pages need: access rules (owner or admin; everyone else gets a 404, so run ids leak nothing), and
 * view models that keep the templates free of arithmetic. No Fastify imports.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CurrentUser } from '../auth/current-user.js';
import type { Queryable } from '../db/pool.js';
import { notFound } from '../errors.js';
import { viewsDir } from '../paths.js';
import { enqueueRun } from './enqueue.js';
import { cancelRun, getRun, getRunEvents, getRunItems, listRuns, listWorkers, queueDepth, type CancelOutcome } from './queries.js';
import { isTerminal, type Run, type RunEvent } from './types.js';

/** Runs are owner-or-admin; anyone else is told the run does not exist. */
export async function getRunFor(db: Queryable, id: string, user: CurrentUser): Promise<Run> {
  const run = await getRun(db, id);
  if (!run || (run.ownerId !== user.id && !user.isAdmin)) throw notFound('Run');
  return run;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export interface RunView extends Run {
  terminal: boolean;
  percent: number | null;
  duration: string | null;
  canCancel: boolean;
  cancelPending: boolean;
}

export function toRunView(run: Run, now = new Date()): RunView {
  const { done, total } = run.progress;
  const terminal = isTerminal(run.status);
  const end = run.finishedAt ?? (terminal ? null : now);
  return {
    ...run,
    terminal,
    percent: total && total > 0 && done !== null ? Math.min(100, Math.round((done / total) * 100)) : run.status === 'succeeded' ? 100 : null,
    duration: run.startedAt && end ? formatDuration(end.getTime() - run.startedAt.getTime()) : null,
    canCancel: !terminal && !run.cancelRequestedAt,
    cancelPending: !terminal && Boolean(run.cancelRequestedAt),
  };
}

// Kinds match KIND_PATTERN, so the file name below cannot leave views/partials/runs/.
const resultTemplates = new Map<string, string | null>();
/** The kind's own result partial when one exists (views/partials/runs/result-<kind>.njk), else null. */
export function resultTemplateFor(kind: string): string | null {
  if (!resultTemplates.has(kind)) {
    const rel = `partials/runs/result-${kind}.njk`;
    resultTemplates.set(kind, existsSync(join(viewsDir, rel)) ? rel : null);
  }
  return resultTemplates.get(kind)!;
}

export interface RunPage {
  run: RunView;
  events: (RunEvent & { dataJson: string | null })[];
  items: { total: number; byStatus: Record<string, number> };
  resultTemplate: string | null;
  resultJson: string | null;
}

export async function runPage(db: Queryable, id: string, user: CurrentUser): Promise<RunPage> {
  const run = await getRunFor(db, id, user);
  const [events, items] = await Promise.all([getRunEvents(db, id), getRunItems(db, id)]);
  const byStatus: Record<string, number> = {};
  for (const i of items) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
  return {
    run: toRunView(run),
    events: events.map((e) => ({ ...e, dataJson: e.data ? JSON.stringify(e.data) : null })),
    items: { total: items.length, byStatus },
    resultTemplate: resultTemplateFor(run.kind),
    resultJson: run.result === null || run.result === undefined ? null : JSON.stringify(run.result, null, 2),
  };
}

export async function runList(db: Queryable, user: CurrentUser, beforeId?: string) {
  const limit = 50;
  const runs = (await listRuns(db, { ownerId: user.isAdmin ? null : user.id, beforeId, limit })).map((r) => toRunView(r));
  return {
    runs,
    anyActive: runs.some((r) => !r.terminal),
    olderThan: runs.length === limit ? runs.at(-1)!.id : null,
    showOwner: user.isAdmin,
  };
}

export async function cancelRunAs(db: Queryable, id: string, user: CurrentUser): Promise<CancelOutcome> {
  await getRunFor(db, id, user);
  return cancelRun(db, id, user.id);
}

/** A 10-second run that shows progress and items; one live demo per user (the dedupe key). */
export async function startDemoRun(db: Queryable, user: CurrentUser): Promise<string> {
  const { id } = await enqueueRun(db, {
    kind: 'sleep',
    ownerId: user.id,
    payload: { ms: 10_000, steps: 20, items: true },
    dedupeKey: `demo:${user.id}`,
  });
  return id;
}

export async function workersPage(db: Queryable, leaseMs: number) {
  const [workers, depth] = await Promise.all([listWorkers(db, Math.max(60, (3 * leaseMs) / 1000)), queueDepth(db)]);
  // A heartbeat is due every third of the lease; two missed in a row is worth a warning.
  const staleAfterS = (2 * leaseMs) / 3000;
  return {
    workers: workers.map((w) => ({ ...w, stale: w.heartbeatAgeS > staleAfterS, age: w.heartbeatAgeS.toFixed(1) })),
    depth,
  };
}
